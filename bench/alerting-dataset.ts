import type { Sample } from '../model/src/sample.ts';
import { seededRandom } from '../lab/src/random.ts';

/** One series of the dataset: its measurement, tags, and each field as a function of the step index. */
export interface DatasetSeries {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, (i: number) => number>;
}

/**
 * A lab-shaped platform for the rule-evaluation benchmark: `clusters` × 3 brokers, each cluster with 200 topics ×
 * 60 partitions (12,000) and 2,000 consumer groups; every series the default pack reads, with a few real
 * incidents (stalled, stopped and slow groups, a slow broker, a filling disk) so rules have instances to decide.
 */
export function alertingDataset(clusters = 3, groups = 2_000): DatasetSeries[] {
  const next = seededRandom(7);
  const out: DatasetSeries[] = [];
  for (let c = 0; c < clusters; c++) {
    const cluster = `c${c}`;
    out.push({
      measurement: 'cluster',
      tags: { cluster },
      fields: {
        under_replicated_partitions: () => 0,
        under_min_isr_partitions: () => 0,
        offline_partitions: () => 0,
        non_preferred_leader_partitions: () => 12,
        partitions: () => 12_000,
      },
    });
    for (const broker of ['1', '2', '3']) {
      const slow = c === 0 && broker === '3';
      out.push({ measurement: 'cluster_broker', tags: { cluster, broker }, fields: { registered: () => 1 } });
      out.push({
        measurement: 'broker',
        tags: { cluster, broker, source: 'jmx' },
        fields: {
          active_controller_count: () => (broker === '1' ? 1 : 0),
          request_handler_idle_ratio: (i) => 0.6 + 0.2 * Math.sin(i / 7 + Number(broker)),
          produce_time_p99_ms: (i) => (slow ? 400 : 8) + (i % 5),
          isr_shrinks_total: (i) => Math.floor(i / 50),
          offline_log_dirs: () => 0,
        },
      });
      out.push({
        measurement: 'log_dir',
        tags: { cluster, broker, log_dir: '/var/lib/kafka' },
        fields: { used_ratio: (i) => (slow ? 0.8 + i * 0.0005 : 0.4), offline: () => 0 },
      });
      out.push({
        measurement: 'probe',
        tags: { cluster, broker },
        fields: {
          sent: () => 20,
          acked: () => 20,
          latency_p99_ms: (i) => (slow ? 350 : 12) + (i % 3),
        },
      });
      out.push({
        measurement: 'scrape',
        tags: { cluster, target: `broker ${broker} 10.0.${c}.${broker}:7071`, source: 'jmx' },
        fields: { up: () => 1, duration_ms: () => 40 },
      });
    }
    for (const target of ['admin', 'consumer groups', 'log dirs', 'probe']) {
      out.push({
        measurement: 'scrape',
        tags: { cluster, target: `${target} 10.0.${c}.1:9092`, source: 'kafka' },
        fields: { up: () => 1, duration_ms: () => 200 },
      });
    }
    for (let t = 0; t < 200; t++) {
      out.push({
        measurement: 'topic',
        tags: { cluster, topic: `tenant-${t % 20}.topic-${t}` },
        fields: { under_replicated_partitions: () => 0, offline_partitions: () => 0, partitions: () => 60 },
      });
    }
    for (let g = 0; g < groups; g++) {
      const kind = next();
      const rate = 10 + Math.floor(next() * 100);
      // 1 % stalled (members, no progress), 1 % stopped (no members), 2 % slower than their input, the rest fine.
      const stalled = kind < 0.01;
      const stopped = kind >= 0.01 && kind < 0.02;
      const slow = kind >= 0.02 && kind < 0.04;
      const lag = (i: number): number =>
        stalled || stopped ? 500 + i * rate : slow ? 100 + i * 5 : (i * 7) % 50;
      out.push({
        measurement: 'consumer_group',
        tags: { cluster, group: `tenant-${g % 20}.group-${g}`, tenant: `tenant-${g % 20}` },
        fields: {
          lag_messages_sum: lag,
          committed_offset_sum: (i) => (stalled || stopped ? 1_000_000 : 1_000_000 + i * rate),
          members: () => (stopped ? 0 : 3),
          lag_seconds_max: (i) => lag(i) / rate,
          retention_used_ratio_max: (i) => Math.min(1, lag(i) / 200_000),
          lost_messages_sum: () => 0,
        },
      });
    }
  }
  return out;
}

/** The dataset's samples at step `i` (time `timeMs`), in catalog form. */
export function samplesAt(series: readonly DatasetSeries[], i: number, timeMs: number): Sample[] {
  return series.map((s) => ({
    measurement: s.measurement,
    tags: s.tags,
    fields: Object.fromEntries(Object.entries(s.fields).map(([f, fn]) => [f, fn(i)])),
    timeMs,
  }));
}

/**
 * The same data as OpenMetrics for `promtool tsdb create-blocks-from openmetrics`: one gauge family per
 * measurement and field (`measurement_field`), every series of a family contiguous, as the format requires.
 */
export function* openMetricsLines(
  series: readonly DatasetSeries[],
  steps: number,
  timeOf: (i: number) => number,
): Generator<string> {
  const families = new Map<string, { s: DatasetSeries; field: string }[]>();
  for (const s of series)
    for (const field of Object.keys(s.fields)) {
      const name = `${s.measurement}_${field}`;
      const members = families.get(name);
      if (members === undefined) families.set(name, [{ s, field }]);
      else members.push({ s, field });
    }
  for (const [name, members] of families) {
    yield `# TYPE ${name} gauge`;
    for (const { s, field } of members) {
      const labels = Object.entries(s.tags)
        .map(([k, v]) => `${k}="${v}"`)
        .join(',');
      const fn = s.fields[field];
      if (fn === undefined) continue;
      for (let i = 0; i < steps; i++) yield `${name}{${labels}} ${fn(i)} ${(timeOf(i) / 1000).toFixed(3)}`;
    }
  }
  yield '# EOF';
}
