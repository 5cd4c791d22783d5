import type { FieldValue, Sample } from '../../../model/src/sample.ts';
import { defaultExpositionLimits, parseExposition } from '../exposition.ts';
import { fetchBounded } from '../http-body.ts';
import type { Source } from '../source.ts';
import type { ExpositionError, ExpositionLimits } from '../exposition.ts';
import { chooseMatch } from '../jmx-names.ts';
import type { NameIndex, NameMatch } from '../jmx-names.ts';

/** Whose exposition this is. */
export interface ExpositionTarget {
  cluster: string;
  broker: string;
}

/** Catalog samples from one exposition, and what the parse saw. */
export interface MappedExposition {
  samples: Sample[];
  exposed: number;
  kept: number;
  errorCount: number;
  errors: ExpositionError[];
}

/**
 * Maps a JMX exporter exposition to catalog samples at `timeMs`: one sample per measurement and tag set,
 * its fields filled from the matching exposition samples. Names are resolved once per distinct name; label
 * sets are decoded only for names the catalog knows.
 */
export function mapExposition(
  text: Buffer | string,
  target: ExpositionTarget,
  index: NameIndex,
  timeMs: number,
  limits?: ExpositionLimits,
): MappedExposition {
  const known = new Map<string, readonly NameMatch[] | null>();
  const points = new Map<
    string,
    { tags: Record<string, string>; fields: Record<string, FieldValue>; m: string }
  >();
  let kept = 0;
  const summary = parseExposition(
    text,
    (name, labelSet, value) => {
      let matches = known.get(name);
      if (matches === undefined) {
        matches = index.get(name.toLowerCase()) ?? null;
        known.set(name, matches);
      }
      if (matches === null || !Number.isFinite(value)) return;
      const pairs = labelSet.pairs();
      const labels = new Map<string, string>();
      for (let k = 0; k < pairs.length; k += 2)
        labels.set((pairs[k] ?? '').toLowerCase(), pairs[k + 1] ?? '');
      const match = chooseMatch(matches, labels);
      if (match === undefined) return;
      const tags: Record<string, string> = { cluster: target.cluster, broker: target.broker, source: 'jmx' };
      for (const [label, tag] of match.tagLabels) tags[tag] = labels.get(label) ?? '';
      const key = `${match.metric.measurement}\u0000${Object.values(tags).join('\u0000')}`;
      let point = points.get(key);
      if (point === undefined) {
        point = { tags, fields: {}, m: match.metric.measurement };
        points.set(key, point);
      }
      // An exporter may serve one field under two aliases: the first wins, nothing is counted twice.
      if (point.fields[match.metric.field] !== undefined) return;
      point.fields[match.metric.field] = value * match.scale;
      kept += 1;
    },
    limits,
  );
  const samples = [...points.values()].map((p) => ({
    measurement: p.m,
    tags: p.tags,
    fields: p.fields,
    timeMs,
  }));
  return { samples, exposed: summary.samples, kept, errorCount: summary.errorCount, errors: summary.errors };
}

/** A JMX exporter endpoint of one broker. */
export interface JmxTextTarget extends ExpositionTarget {
  url: string;
  /** Largest body accepted. */
  maxBytes?: number;
}

/** A source that scrapes one JMX exporter endpoint and keeps the catalog's metrics. */
export function jmxTextSource(
  target: JmxTextTarget,
  index: NameIndex,
  limits = defaultExpositionLimits,
): Source {
  return {
    cluster: target.cluster,
    target: `broker ${target.broker} ${new URL(target.url).host}`,
    kind: 'jmx',
    async collect(nowMs, signal) {
      const text = await fetchBounded(target.url, 60_000, target.maxBytes ?? 64 * 2 ** 20, { signal });
      const mapped = mapExposition(text, target, index, nowMs, limits);
      const first = mapped.errors[0];
      return {
        samples: mapped.samples,
        exposed: mapped.exposed,
        errorCount: mapped.errorCount,
        ...(first === undefined ? {} : { firstError: `line ${first.line}: ${first.message}` }),
      };
    },
  };
}
