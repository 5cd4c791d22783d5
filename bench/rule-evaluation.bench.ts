import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../alerter/src/engine/engine.ts';
import type { EvaluationReport } from '../alerter/src/engine/engine.ts';
import { influxQueryPort } from '../alerter/src/query/influx.ts';
import { rulesQueryPort } from '../alerter/src/query/rules-port.ts';
import type { AlerterSetup } from '../alerter/src/config.ts';
import { AlertStore } from '../alerter/src/store/sqlite.ts';
import { writeBatches } from '../collector/src/sink/batches.ts';
import { connectInflux, writeLineProtocol } from '../collector/src/sink/influx.ts';
import { loadRules } from '../rules/src/load.ts';
import { alertingDataset, samplesAt } from './alerting-dataset.ts';
import { startBenchInflux } from './influxd.ts';
import { promMetric, startBackfilledPrometheus } from './prometheus.ts';
import { promRuleFile } from './promql.ts';
import { median, result, oursAtMost } from './result.ts';
import type { BenchResult } from './result.ts';

const clusters = 3;
const groups = 2_000;
const stepMs = 30_000;
const steps = 120; // one hour
const runs = 7;
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/** The alerter's settings for the benchmark: its defaults (15 s evaluations, window cache) over the bench influxd. */
function labLikeSetup(url: string, database: string): AlerterSetup {
  return {
    config: {
      influx: { url, database, timeout: 60_000 },
      rules: [],
      evaluation: { interval: 15_000, watch_collector: 0, window_cache: true },
      state: { path: '' },
      listen: '127.0.0.1:0',
      overrides: {},
      api: {},
    },
    rules: [],
    secrets: { routingKeys: {} },
  };
}

/**
 * One evaluation of the whole default pack over a lab-shaped store (3 clusters × 3 brokers, 2,000 groups and
 * 12,000 partitions per cluster, one hour at 30 s): ours (every rule's queries planned, merged and sent as one
 * InfluxQL batch, decided, and the changes written to SQLite) against Prometheus 2.42 evaluating the same pack,
 * translated to PromQL (bench/promql.ts), over the same data backfilled with promtool. The data runs from 50
 * minutes before the start to 10 minutes after, so both evaluate at wall-clock time over full windows.
 */
export default async function bench(): Promise<BenchResult[]> {
  if (spawnSync('prometheus', ['--version']).status !== 0)
    throw new Error("this benchmark runs Debian's Prometheus as the peer: apt-get install -y prometheus");
  const dir = mkdtempSync(join(tmpdir(), 'lookout-bench-rules-'));
  const series = alertingDataset(clusters, groups);
  const end = Math.floor(Date.now() / stepMs) * stepMs + 10 * 60_000;
  const timeOf = (i: number): number => end - (steps - 1 - i) * stepMs;
  const { rules, errors } = loadRules([new URL('../rules/kafka', import.meta.url).pathname]);
  if (errors.length > 0) throw new Error(errors[0]?.message);
  const influx = await startBenchInflux();
  try {
    // The data into InfluxDB, through the collector's write path.
    const database = 'lookout';
    await connectInflux({ url: influx.url, database });
    let points = 0;
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) {
      const samples = samplesAt(series, i, timeOf(i));
      const written = await writeBatches(samples, (body) =>
        writeLineProtocol({ url: influx.url, database, timeoutMs: 60_000 }, body),
      );
      if (written.errors.length > 0) throw new Error(written.errors.join('; '));
      points += samples.length;
    }
    console.error(
      `rule-evaluation: ${points} points (${series.length} series) written in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    // Ours: the engine as the alerter runs it, state in SQLite.
    const store = new AlertStore(join(dir, 'alerts.db'));
    const setup = labLikeSetup(influx.url, database);
    const cache = rulesQueryPort(setup);
    const engine = new Engine({ rules, port: cache, state: store });
    // The first evaluation fills the window cache (a full read of every window); the runs that follow are the
    // alerter's steady state, one every evaluation interval (15 s).
    const evaluate = async (): Promise<{ wallMs: number; readMs: number; report: EvaluationReport }> => {
      const t = performance.now();
      const report = await engine.evaluate(Date.now());
      if (report.failed > 0 || report.storeError !== undefined) throw new Error('an evaluation failed');
      return { wallMs: performance.now() - t, readMs: cache.stats?.().readMs ?? Number.NaN, report };
    };
    const cold = await evaluate();
    const reports: { wallMs: number; readMs: number; report: EvaluationReport }[] = [];
    for (let r = 0; r < runs; r++) {
      await sleep(setup.config.evaluation.interval);
      reports.push(await evaluate());
    }
    // The same evaluation with each rule's InfluxQL sent as it is (no window cache), for the record.
    const direct = new Engine({
      rules,
      port: influxQueryPort({ url: influx.url, database, timeoutMs: 60_000 }),
      state: { load: () => new Map(), apply: () => undefined },
    });
    const directMs: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t = performance.now();
      await direct.evaluate(Date.now());
      directMs.push(performance.now() - t);
    }
    const held = engine
      .alerts()
      .filter((a) => a.phase !== 'resolved' && !a.rule.startsWith('Lookout')).length;
    store.close();
    await influx.stop();

    // The peer: Prometheus over the same data, same pack.
    writeFileSync(join(dir, 'rules.yml'), promRuleFile(rules, 15_000));
    const prom = await startBackfilledPrometheus(
      dir,
      series,
      steps,
      timeOf,
      'global: { evaluation_interval: 15s }\nrule_files: [rules.yml]\n',
    );
    const { port } = prom;
    console.error(`rule-evaluation: promtool backfill in ${prom.backfillS.toFixed(1)} s`);
    const peerRounds: number[] = [];
    let peerHeld = 0;
    let peerGroupsSeen = 0;
    try {
      const evaluations = async (): Promise<number> =>
        promMetric(port, 'prometheus_rule_evaluations_total').catch(() => Number.NaN);
      // Wait until every group has been evaluated twice (the first after start loads the blocks).
      for (let k = 0; k < 120 && !((await evaluations()) >= 2 * rules.length); k++) await sleep(1_000);
      for (let r = 0; r < runs; r++) {
        await sleep(15_000);
        const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        const durations = [
          ...text.matchAll(/^prometheus_rule_group_last_duration_seconds\{[^}]*\} (\S+)$/gm),
        ].map((m) => Number(m[1]));
        if (durations.length !== 1) throw new Error(`expected one rule group, saw ${durations.length}`);
        peerRounds.push((durations[0] ?? Number.NaN) * 1_000);
      }
      const failures = await promMetric(port, 'prometheus_rule_evaluation_failures_total');
      if (failures > 0) throw new Error(`Prometheus failed ${failures} rule evaluations`);
      const alerts = (await (await fetch(`http://127.0.0.1:${port}/api/v1/alerts`)).json()) as {
        data: { alerts: unknown[] };
      };
      peerHeld = alerts.data.alerts.length;
      const seen = (await (
        await fetch(
          `http://127.0.0.1:${port}/api/v1/query?query=count(last_over_time(consumer_group_members[2m]))`,
        )
      ).json()) as { data: { result: { value: [number, string] }[] } };
      peerGroupsSeen = Number(seen.data.result[0]?.value[1] ?? 0);
    } finally {
      await prom.stop();
    }
    const input = `${clusters} clusters × 3 brokers, ${groups} groups and 12,000 partitions per cluster, 1 h at 30 s (${points} points, ${series.length} series); the default pack (${rules.length} rules); data from bench/alerting-dataset.ts`;
    return [
      result({
        name: 'rule-evaluation',
        target: oursAtMost(1_000, '≤ 1 s'),
        unit: 'ms',
        ours: Number(median(reports.map((r) => r.wallMs)).toFixed(1)),
        peer: Number(median(peerRounds).toFixed(1)),
        peerName:
          'Prometheus 2.42 (same pack in PromQL, one rule group: the wall-clock time of an evaluation round)',
        better: 'lower',
        input,
        runs,
        details: {
          oursRunsMs: reports.map((r) => Number(r.wallMs.toFixed(1))),
          oursColdMs: Number(cold.wallMs.toFixed(1)),
          oursReadMs: reports.map((r) => Number(r.readMs.toFixed(1))),
          oursWithoutWindowCacheMs: Number(median(directMs).toFixed(1)),
          oursQueryAndDecideMs: Number(median(reports.map((r) => r.report.durationMs)).toFixed(1)),
          persistFirstMs: Number(cold.report.persistMs.toFixed(2)),
          persistFirstWritten: cold.report.written,
          persistSteadyMedianMs: Number(median(reports.map((r) => r.report.persistMs)).toFixed(2)),
          persistSteadyWritten: reports[0]?.report.written,
          persistPerAlertUs: Number(
            (
              (median(reports.map((r) => r.report.persistMs)) * 1000) /
              Math.max(1, reports[0]?.report.written ?? 1)
            ).toFixed(1),
          ),
          peerRoundsMs: peerRounds.map((x) => Number(x.toFixed(1))),
          oursInstancesHolding: held,
          peerAlerts: peerHeld,
          peerGroupsSeen,
        },
      }),
    ];
  } finally {
    await influx.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
