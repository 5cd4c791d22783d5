import type { FieldValue, Sample } from '../../../model/src/sample.ts';
import { defaultExpositionLimits, parseExposition } from '../exposition.ts';
import { fetchBounded } from '../http-body.ts';
import type { HttpAccess } from '../http-body.ts';
import type { Source } from '../source.ts';
import type { ExpositionError, ExpositionLimits } from '../exposition.ts';
import { chooseMatch } from '../jmx-names.ts';
import type { NameIndex, NameMatch } from '../jmx-names.ts';

/** Whose exposition this is, and which metrics outside the catalog it keeps. */
export interface ExpositionTarget {
  cluster: string;
  broker: string;
  /** Exposition names kept as `jmx_extra` samples although the catalog does not name them. */
  keep?: (name: string) => boolean;
}

const reservedTags = new Set(['cluster', 'broker', 'source', 'metric']);

/** A configured non-catalog metric: `jmx_extra`, its name in `metric`, its labels as tags. */
function extraSample(
  name: string,
  pairs: string[],
  value: number,
  target: ExpositionTarget,
  timeMs: number,
): Sample {
  const tags: Record<string, string> = {
    cluster: target.cluster,
    broker: target.broker,
    source: 'jmx',
    metric: name,
  };
  for (let k = 0; k < pairs.length; k += 2) {
    const label = (pairs[k] ?? '').toLowerCase();
    tags[reservedTags.has(label) ? `label_${label}` : label] = pairs[k + 1] ?? '';
  }
  return { measurement: 'jmx_extra', tags, fields: { value }, timeMs };
}

/** A `keep` predicate from config: exact names, or prefixes written with a trailing `*`. */
export function keepMatcher(patterns: readonly string[]): ((name: string) => boolean) | undefined {
  if (patterns.length === 0) return undefined;
  const exact = new Set(patterns.filter((p) => !p.endsWith('*')));
  const prefixes = patterns.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1));
  return (name) => exact.has(name) || prefixes.some((p) => name.startsWith(p));
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
  const known = new Map<string, readonly NameMatch[] | 'extra' | null>();
  const extras: Sample[] = [];
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
        matches = index.get(name.toLowerCase()) ?? (target.keep?.(name) === true ? 'extra' : null);
        known.set(name, matches);
      }
      if (matches === null || !Number.isFinite(value)) return;
      if (matches === 'extra') {
        extras.push(extraSample(name, labelSet.pairs(), value, target, timeMs));
        kept += 1;
        return;
      }
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
  const samples: Sample[] = [...points.values()].map((p) => ({
    measurement: p.m,
    tags: p.tags,
    fields: p.fields,
    timeMs,
  }));
  samples.push(...extras);
  return { samples, exposed: summary.samples, kept, errorCount: summary.errorCount, errors: summary.errors };
}

/** A JMX exporter endpoint of one broker. */
export interface JmxTextTarget extends ExpositionTarget {
  url: string;
  /** Largest body accepted. */
  maxBytes?: number;
  /** Its TLS and basic authentication, when it wants them. */
  access?: HttpAccess;
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
    broker: target.broker,
    kind: 'jmx',
    async collect(nowMs, signal) {
      const text = await fetchBounded(target.url, 60_000, target.maxBytes ?? 64 * 2 ** 20, {
        signal,
        ...target.access,
      });
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
