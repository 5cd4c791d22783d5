import { catalog } from '../../../model/src/catalog.ts';
import type { MeasurementSpec } from '../../../model/src/catalog.ts';
import { formatDuration } from '../../../model/src/duration.ts';

/** How long raw points are kept, and which downsampled copies are made. Durations in ms. */
export interface RetentionConfig {
  raw: number;
  downsample: readonly { every: number; keep: number }[];
}

/** The statements that make a database's retention: policies first, then one continuous query per measurement. */
export interface RetentionPlan {
  policies: { name: string; durationHours: number; isDefault: boolean }[];
  queries: { name: string; select: string }[];
}

/** The retention policy that holds the copy downsampled to `everyMs`. */
export const downsampledPolicy = (everyMs: number): string => `ds_${formatDuration(everyMs)}`;

/**
 * Plans retention from the catalog: `raw` (the default policy) and, per downsample step, a policy and a
 * continuous query per measurement that keeps field names — gauges as their mean, counters as their last
 * value (so `non_negative_derivative` still works), strings left out.
 */
export function planRetention(database: string, retention: RetentionConfig): RetentionPlan {
  const hours = (ms: number): number => Math.max(1, Math.ceil(ms / 3_600_000));
  const policies = [
    { name: 'raw', durationHours: hours(retention.raw), isDefault: true },
    ...retention.downsample.map((d) => ({
      name: downsampledPolicy(d.every),
      durationHours: hours(d.keep),
      isDefault: false,
    })),
  ];
  const queries = retention.downsample.flatMap((d) =>
    Object.entries(catalog as Record<string, MeasurementSpec>).flatMap(([measurement, spec]) => {
      const fields = Object.entries(spec.fields)
        .filter(([, f]) => f.type !== 'string')
        .map(([name, f]) => `${f.kind === 'counter' ? 'last' : 'mean'}("${name}") AS "${name}"`);
      if (fields.length === 0) return [];
      const select =
        `SELECT ${fields.join(', ')} INTO "${database}"."${downsampledPolicy(d.every)}"."${measurement}" ` +
        `FROM "${database}"."raw"."${measurement}" GROUP BY time(${formatDuration(d.every)}), *`;
      return [{ name: `lookout_${measurement}_${formatDuration(d.every)}`, select }];
    }),
  );
  return { policies, queries };
}
