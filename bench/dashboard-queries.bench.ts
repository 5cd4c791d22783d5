import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertEvent } from '../alerter/src/events.ts';
import { writeBatches } from '../collector/src/sink/batches.ts';
import { applyRetention, connectInflux, writeLineProtocol } from '../collector/src/sink/influx.ts';
import { planRetention } from '../collector/src/sink/retention.ts';
import { dashboards } from '../dashboards/src/build.ts';
import { expandLikeGrafana, grafanaInterval, rangeOf } from '../dashboards/src/grafana-expand.ts';
import type { Sample } from '../model/src/sample.ts';
import { samplesAt } from './alerting-dataset.ts';
import type { DatasetSeries } from './alerting-dataset.ts';
import { startBenchInflux } from './influxd.ts';
import { startBackfilledPrometheus } from './prometheus.ts';
import { median, result, oursAtMost } from './result.ts';
import type { BenchResult } from './result.ts';

const cluster = 'prod';
const tenants = 20;
const topicsPerTenant = 10;
const partitions = 60;
const groupsPerTenant = 100;
const brokers = 3;
const stepMs = 60_000;
const steps = 360; // 6 hours
const runs = 9;
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/** A platform's tenant-facing series, as the collector writes them: partitions' and topics' offsets, topics' bytes per broker, groups' lag. */
function tenantDataset(): DatasetSeries[] {
  const out: DatasetSeries[] = [];
  for (let t = 0; t < tenants; t++) {
    const tenant = `tenant-${t}`;
    for (let k = 0; k < topicsPerTenant; k++) {
      const topic = `${tenant}.topic-${k}`;
      const rate = 5 + ((t * 7 + k * 3) % 40); // messages/s per partition
      for (let p = 0; p < partitions; p++)
        out.push({
          measurement: 'partition_offsets',
          tags: { cluster, topic, partition: String(p), tenant },
          fields: {
            log_end_offset: (i) => 1_000_000 + i * rate * 60,
            log_start_offset: () => 0,
            messages_per_s: () => rate,
          },
        });
      out.push({
        measurement: 'topic_offsets',
        tags: { cluster, topic, tenant },
        fields: {
          messages_per_s: () => rate * partitions,
          retained_messages: (i) => (1_000_000 + i * rate * 60) * partitions,
        },
      });
      for (let b = 1; b <= brokers; b++)
        out.push({
          measurement: 'broker_topic',
          tags: { cluster, broker: String(b), topic, source: 'jmx', tenant },
          fields: { bytes_in_total: (i) => 5_000_000 + i * rate * partitions * 200 * 20 },
        });
    }
    for (let g = 0; g < groupsPerTenant; g++) {
      const slow = g % 25 === 0;
      out.push({
        measurement: 'consumer_group',
        tags: { cluster, group: `${tenant}.group-${g}`, tenant },
        fields: {
          lag_messages_sum: (i) => (slow ? 100 + i * 50 : (i * 7) % 50),
          lag_seconds_max: (i) => (slow ? 2 + i * 2 : ((i * 7) % 50) / 20),
        },
      });
    }
  }
  return out;
}

/** A tenant's alert transitions over the range: a lag alert firing and resolving every hour. */
function alertEvents(startMs: number): Sample[] {
  const out: Sample[] = [];
  for (let t = 0; t < tenants; t++)
    for (let h = 0; h < 6; h++)
      for (const [from, to, offset] of [
        ['pending', 'firing', 0],
        ['firing', 'resolved', 20 * 60_000],
      ] as const) {
        const e = alertEvent(
          {
            fingerprint: `f${t}-${h}`,
            rule: 'ConsumerLagHigh',
            labels: {
              alertname: 'ConsumerLagHigh',
              severity: 'ticket',
              cluster,
              group: `tenant-${t}.group-0`,
            },
            from,
            to,
            atMs: startMs + h * 3_600_000 + offset,
          },
          `tenant-${t}`,
        );
        if (e !== undefined) out.push(e);
      }
  return out;
}

/** The same panels in PromQL, as a kafka_exporter + Prometheus dashboard would ask them (range, step). */
function promPanels(tenant: string, stepS: number): { title: string; query: string; step: number }[] {
  const sel = `{cluster="${cluster}",tenant="${tenant}"}`;
  return [
    {
      title: 'Messages produced per day',
      query: `sum(increase(partition_offsets_log_end_offset${sel}[1d]))`,
      step: 86_400,
    },
    {
      title: 'Bytes produced per day',
      query: `sum(increase(broker_topic_bytes_in_total${sel}[1d]))`,
      step: 86_400,
    },
    {
      title: 'Messages per second by topic',
      query: `sum by (topic) (avg_over_time(topic_offsets_messages_per_s${sel}[${stepS}s]))`,
      step: stepS,
    },
    {
      title: 'Lag in seconds by group',
      query: `max by (group) (max_over_time(consumer_group_lag_seconds_max${sel}[${stepS}s]))`,
      step: stepS,
    },
    {
      title: 'Lag in messages by group',
      query: `max by (group) (max_over_time(consumer_group_lag_messages_sum${sel}[${stepS}s]))`,
      step: stepS,
    },
  ];
}

/** One timed request; its time in ms and the number of series it returned. */
async function timed(url: string, body: URLSearchParams, count: (json: unknown) => number) {
  const t = performance.now();
  const res = await fetch(url, { method: 'POST', body });
  const json: unknown = await res.json();
  const ms = performance.now() - t;
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${JSON.stringify(json).slice(0, 300)}`);
  return { ms, series: count(json) };
}

/**
 * The tenant view (`lookout-tenant`) as a tenant opens it: each panel's InfluxQL, variables substituted and
 * Grafana's macros expanded for its default range (7 days: `$__interval` 605 s), timed over HTTP against a
 * platform-shaped store (20 tenants, 12,000 partitions, 2,000 groups, 6 h at 60 s, the daily rollup made by
 * the collector's continuous queries, the alerter's events). The peer: Prometheus 2.42 answering the same
 * panels in PromQL (`query_range`, same range and step) over the same data, backfilled with promtool.
 */
export default async function bench(): Promise<BenchResult[]> {
  if (spawnSync('prometheus', ['--version']).status !== 0)
    throw new Error("this benchmark runs Debian's Prometheus as the peer: apt-get install -y prometheus");
  const dir = mkdtempSync(join(tmpdir(), 'lookout-bench-dash-'));
  const series = tenantDataset();
  const end = Math.floor(Date.now() / stepMs) * stepMs;
  const timeOf = (i: number): number => end - (steps - 1 - i) * stepMs;
  const tenantView = dashboards().find((d) => d.uid === 'lookout-tenant');
  const panels = ((tenantView?.panels ?? []) as { title?: string; targets?: { query: string }[] }[]).flatMap(
    (p) => (p.targets ?? []).map((t) => ({ title: p.title ?? '', query: t.query })),
  );
  // The datasource's minimum interval is the collector's 15 s (compose/grafana/provisioning).
  const from = tenantView?.time?.from ?? 'now-7d';
  const rangeS = rangeOf(from).seconds;
  const stepS = grafanaInterval(from, 15);
  const expand = (q: string, tenant: string): string => expandLikeGrafana(q, { cluster, tenant }, from, 15);

  const influx = await startBenchInflux();
  const ours = new Map<string, number[]>();
  const oursSeries = new Map<string, number>();
  let points = 0;
  try {
    const database = 'lookout';
    const retention = { raw: 30 * 86_400_000, downsample: [] };
    const plan = planRetention(database, retention);
    await applyRetention(await connectInflux({ url: influx.url, database }), database, plan);
    const t0 = performance.now();
    const write = (body: string) => writeLineProtocol({ url: influx.url, database, timeoutMs: 60_000 }, body);
    for (let i = 0; i < steps; i++) {
      const samples = samplesAt(series, i, timeOf(i));
      const written = await writeBatches(samples, write);
      if (written.errors.length > 0) throw new Error(written.errors.join('; '));
      points += samples.length;
    }
    const events = alertEvents(timeOf(0));
    await writeBatches(events, write);
    points += events.length;
    // The daily rollup, as its continuous queries compute it every hour.
    for (const q of plan.queries.filter((x) => x.name.startsWith('lookout_topic_volume'))) {
      const body = new URLSearchParams({
        db: database,
        q: q.select.replace(' GROUP BY', ` WHERE time >= ${timeOf(0) - 86_400_000}ms GROUP BY`),
      });
      await timed(`${influx.url}/query`, body, () => 0);
    }
    console.error(
      `dashboard-queries: ${points} points written in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    const countInflux = (json: unknown): number =>
      ((json as { results?: { series?: unknown[] }[] }).results?.[0]?.series ?? []).length;
    for (let r = -1; r < runs; r++) {
      const tenant = `tenant-${(r + tenants) % tenants}`;
      for (const p of panels) {
        const body = new URLSearchParams({ db: database, q: expand(p.query, tenant), epoch: 'ms' });
        const { ms, series: n } = await timed(`${influx.url}/query`, body, countInflux);
        if (n === 0) throw new Error(`${p.title}: no rows for ${tenant}`);
        if (r < 0) continue; // warm-up
        ours.set(p.title, [...(ours.get(p.title) ?? []), ms]);
        oursSeries.set(p.title, n);
      }
    }
  } finally {
    await influx.stop();
  }

  // The peer: Prometheus over the same series.
  const prom = await startBackfilledPrometheus(
    dir,
    series,
    steps,
    timeOf,
    'global: { scrape_interval: 60s }\n',
  );
  const { port } = prom;
  const peer = new Map<string, number[]>();
  const peerSeries = new Map<string, number>();
  try {
    for (let k = 0; k < 120; k++) {
      const ready = await fetch(`http://127.0.0.1:${port}/-/ready`).catch(() => undefined);
      if (ready?.ok === true) break;
      await sleep(1_000);
    }
    const countProm = (json: unknown): number =>
      ((json as { data?: { result?: unknown[] } }).data?.result ?? []).length;
    const now = Math.floor(Date.now() / 1000);
    for (let r = -1; r < runs; r++) {
      const tenant = `tenant-${(r + tenants) % tenants}`;
      for (const p of promPanels(tenant, stepS)) {
        const body = new URLSearchParams({
          query: p.query,
          start: String(now - rangeS),
          end: String(now),
          step: String(p.step),
        });
        const { ms, series: n } = await timed(`http://127.0.0.1:${port}/api/v1/query_range`, body, countProm);
        if (n === 0) throw new Error(`Prometheus: ${p.title}: no series for ${tenant}`);
        if (r < 0) continue;
        peer.set(p.title, [...(peer.get(p.title) ?? []), ms]);
        peerSeries.set(p.title, n);
      }
    }
  } finally {
    await prom.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  const medians = (m: Map<string, number[]>) =>
    Object.fromEntries([...m].map(([title, ms]) => [title, Number(median(ms).toFixed(1))]));
  const oursMedians = medians(ours);
  const peerMedians = medians(peer);
  const compared = [...peer.keys()];
  const slowest = (m: Record<string, number>, titles: string[]) => Math.max(...titles.map((t) => m[t] ?? 0));
  return [
    result({
      name: 'dashboard-queries-tenant-view',
      target: oursAtMost(50, 'every single-tenant panel ≤ 50 ms'),
      unit: 'ms',
      ours: slowest(oursMedians, compared),
      peer: slowest(peerMedians, compared),
      peerName: 'Prometheus 2.42 (the same panels in PromQL, query_range)',
      better: 'lower',
      input: `the tenant view's panels for one tenant over its default 7 days ($__interval ${stepS} s), slowest panel's median; ${tenants} tenants, ${tenants * topicsPerTenant * partitions} partitions, ${tenants * groupsPerTenant} groups, 6 h at 60 s (${points} points) with the daily rollup and alert events, generated by bench/alerting-dataset.ts (samplesAt)`,
      runs,
      details: {
        oursPerPanelMs: oursMedians,
        peerPerPanelMs: peerMedians,
        oursSeriesPerPanel: Object.fromEntries(oursSeries),
        peerSeriesPerPanel: Object.fromEntries(peerSeries),
        oursEveryPanelWithin50ms: Object.values(oursMedians).every((ms) => ms <= 50),
      },
    }),
  ];
}
