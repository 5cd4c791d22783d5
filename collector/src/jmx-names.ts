import type { JmxMetric } from '../../model/src/jmx.ts';
import { parseObjectName } from '../../model/src/mbean.ts';

/** One way an exposition sample can mean a catalog field. */
export interface NameMatch {
  metric: JmxMetric;
  /** Labels (lower-cased name → lower-cased value) the sample must carry. */
  required: [string, string][];
  /** Labels (lower-cased) whose values become tags: [label, tag]. */
  tagLabels: [string, string][];
  scale: number;
}

/** Exposition name (lower-cased) → the matches it may be. */
export type NameIndex = ReadonlyMap<string, readonly NameMatch[]>;

const lower = (s: string): string => s.toLowerCase();

/**
 * The exposition names a JMX metric goes by under the common exporter configs: the jmx_exporter project's
 * Kafka examples (`kafka_server_replicamanager_underreplicatedpartitions`, counters `_total` or `_count`,
 * percentiles as a `quantile` label), the same without lowercaseOutputName, and the exporter's default
 * format with no rules (`kafka_server_ReplicaManager_Value{name="UnderReplicatedPartitions"}`).
 */
function namesOf(metric: JmxMetric): { name: string; match: NameMatch }[] {
  if (metric.exposition !== undefined) {
    return metric.exposition.map((alias) => ({
      name: lower(alias.name),
      match: {
        metric,
        required: Object.entries(alias.labels).map(([k, v]) => [lower(k), lower(v)]),
        tagLabels: Object.values(metric.wildcardTags ?? {}).map((tag) => [tag, tag]),
        scale: alias.scale ?? metric.scale ?? 1,
      },
    }));
  }
  const { domain, properties } = parseObjectName(metric.mbean);
  const props = new Map(properties);
  const type = props.get('type') ?? '';
  const beanName = props.get('name') ?? '';
  const fixed: [string, string][] = [];
  const tagLabels: [string, string][] = [];
  for (const [k, v] of properties) {
    if (k === 'type' || k === 'name') continue;
    if (v === '*') tagLabels.push([lower(k), metric.wildcardTags?.[k] ?? lower(k)]);
    else fixed.push([lower(k), lower(v)]);
  }
  const base = lower(`${domain.replaceAll('.', '_')}_${type}_${beanName}`);
  const scale = metric.scale ?? 1;
  const out: { name: string; match: NameMatch }[] = [];
  const add = (name: string, extra: [string, string][] = []): void => {
    out.push({ name, match: { metric, required: [...fixed, ...extra], tagLabels, scale } });
  };
  const percentile = /^(\d+)thPercentile$/.exec(metric.attribute);
  if (metric.attribute === 'Value') {
    add(base);
    add(`${base}_value`);
  } else if (metric.attribute === 'Count') {
    add(`${base}_total`);
    add(`${base}_count`);
  } else if (percentile?.[1] !== undefined) {
    add(base, [['quantile', `0.${percentile[1]}`]]);
    add(`${base}_${lower(metric.attribute)}`);
  } else {
    add(base);
    add(`${base}_${lower(metric.attribute)}`);
  }
  // The project's examples turn `…Percent` beans into `…_percent` names.
  if (base.endsWith('percent')) add(`${base.slice(0, -'percent'.length)}_percent`);
  // The default format: domain_type_attribute, the bean's name as a label.
  add(lower(`${domain.replaceAll('.', '_')}_${type}_${metric.attribute}`), [['name', lower(beanName)]]);
  return out;
}

/** Indexes every way the catalog's JMX metrics can appear in an exposition. */
export function buildNameIndex(metrics: readonly JmxMetric[]): NameIndex {
  const index = new Map<string, NameMatch[]>();
  for (const metric of metrics) {
    for (const { name, match } of namesOf(metric)) {
      const list = index.get(name) ?? [];
      list.push(match);
      index.set(name, list);
    }
  }
  return index;
}

/**
 * The match for a sample with these (lower-cased) labels: every required label equal and every tag label
 * present; the most specific wins, so `BytesInPerSec{topic=…}` is the per-topic field and the bare one
 * the broker's. Undefined when none fits.
 */
export function chooseMatch(
  matches: readonly NameMatch[],
  labels: ReadonlyMap<string, string>,
): NameMatch | undefined {
  let best: NameMatch | undefined;
  let bestScore = -1;
  for (const match of matches) {
    if (!match.required.every(([k, v]) => labels.get(k)?.toLowerCase() === v)) continue;
    if (!match.tagLabels.every(([k]) => labels.has(k))) continue;
    const score = match.required.length + match.tagLabels.length;
    if (score > bestScore) {
      best = match;
      bestScore = score;
    }
  }
  return best;
}
