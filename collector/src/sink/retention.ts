import { catalog, volumePolicy } from '../../../model/src/catalog.ts';
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
  /** `resample`: the RESAMPLE clause, when the query recomputes past intervals. */
  queries: { name: string; select: string; resample?: string }[];
}

/** Measurements written only by continuous queries: no downsampled copy of them. */
const rollups = new Set(['topic_volume']);

/**
 * The daily volume rollup: messages per partition (spread of the log end) and bytes per broker and topic
 * (spread of the bytes-in counter) per day, with their tenant; recomputed every hour for the last two days,
 * so today's figure grows during the day.
 */
function volumeQueries(database: string): RetentionPlan['queries'] {
  const into = `"${database}"."${volumePolicy.name}"."topic_volume"`;
  return [
    {
      name: 'lookout_topic_volume_messages_1d',
      select: `SELECT spread("log_end_offset") AS "messages" INTO ${into} FROM "${database}"."raw"."partition_offsets" GROUP BY time(1d), "cluster", "topic", "partition", "tenant"`,
      resample: 'RESAMPLE EVERY 1h FOR 2d',
    },
    {
      name: 'lookout_topic_volume_bytes_1d',
      select: `SELECT spread("bytes_in_total") AS "bytes" INTO ${into} FROM "${database}"."raw"."broker_topic" GROUP BY time(1d), "cluster", "broker", "topic", "tenant"`,
      resample: 'RESAMPLE EVERY 1h FOR 2d',
    },
  ];
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
    { ...volumePolicy, isDefault: false },
  ];
  const queries = retention.downsample.flatMap((d) =>
    Object.entries(catalog as Record<string, MeasurementSpec>).flatMap(([measurement, spec]) => {
      if (rollups.has(measurement)) return [];
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
  return { policies, queries: [...queries, ...volumeQueries(database)] };
}
