import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Delivery } from '../alerter/src/notify/delivery.ts';
import { webhookSender } from '../alerter/src/notify/webhook.ts';
import { Dispatcher } from '../alerter/src/route/dispatch.ts';
import { Ownership } from '../alerter/src/route/ownership.ts';
import { buildTree } from '../alerter/src/route/tree.ts';
import { NotifyStore } from '../alerter/src/store/notify.ts';
import { startAlertmanager } from '../lab/src/alertmanager.ts';
import { fingerprint } from '../model/src/labels.ts';
import type { TrackedAlert } from '../rules/src/alert.ts';
import { median, result } from './result.ts';
import type { BenchResult } from './result.ts';

// Dispatch latency: from the moment an alert fires to the moment the pager's webhook has it, at 1,000 new
// alerts a second for 10 s (a batch of 50 every 50 ms), each its own group (no grouping delay: group_wait 0).
// Ours: the dispatcher (routing, grouping, the durable outbox in SQLite with synchronous=FULL) and delivery.
// The peer: Alertmanager 0.25 (Debian) with the same route, given the same alerts by POST /api/v2/alerts as
// Prometheus gives them. The same webhook receiver, in its own process, timestamps both on the machine's clock.
const rate = 1_000;
const seconds = 10;
const batchEvery = 50;
const runs = 3;
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Labels of alert `n` of run `run`. */
const labelsOf = (run: string, n: number) => ({
  alertname: 'BenchAlert',
  severity: 'page',
  run,
  n: String(n),
});

/** The machine's clock in ms, sub-ms precise (the sink process reads the same). */
const clock = (): number => performance.timeOrigin + performance.now();

/** The webhook sink process: its URL, and the receipt times of alerts per run. */
interface Sink {
  url: string;
  received: Map<string, Map<number, number>>;
  stop(): void;
}

async function startSink(): Promise<Sink> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'webhook-sink.mjs')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const received = new Map<string, Map<number, number>>();
  let port = 0;
  let rest = '';
  const ready = new Promise<void>((ok) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('port ')) {
          port = Number(line.slice(5));
          ok();
          continue;
        }
        const [run = '', n = '', at = ''] = line.split(' ');
        const m = received.get(run) ?? new Map<number, number>();
        if (!m.has(Number(n))) m.set(Number(n), Number(at));
        received.set(run, m);
      }
    });
  });
  await ready;
  return { url: `http://127.0.0.1:${port}/`, received, stop: () => child.kill('SIGTERM') };
}

/** Sends `rate` alerts a second for `seconds` through `fire`; returns when each was fired (by `n`). */
async function drive(fire: (ns: number[]) => void | Promise<void>): Promise<Map<number, number>> {
  const firedAt = new Map<number, number>();
  const perBatch = (rate * batchEvery) / 1_000;
  const batches = (seconds * 1_000) / batchEvery;
  const start = performance.now();
  for (let b = 0; b < batches; b += 1) {
    const wait = start + b * batchEvery - performance.now();
    if (wait > 0) await sleep(wait);
    const ns = Array.from({ length: perBatch }, (_, i) => b * perBatch + i);
    const at = clock();
    for (const n of ns) firedAt.set(n, at);
    await fire(ns);
  }
  return firedAt;
}

/** Waits until the sink has every alert of `run` (or 30 s), and returns the latencies in ms. */
async function latencies(sink: Sink, run: string, firedAt: Map<number, number>): Promise<number[]> {
  const deadline = performance.now() + 30_000;
  while ((sink.received.get(run)?.size ?? 0) < firedAt.size && performance.now() < deadline) await sleep(20);
  const got = sink.received.get(run) ?? new Map<number, number>();
  if (got.size < firedAt.size) throw new Error(`${run}: only ${got.size} of ${firedAt.size} alerts arrived`);
  return [...got].map(([n, at]) => at - (firedAt.get(n) ?? at));
}

async function oursOnce(sink: Sink, dir: string, run: string): Promise<number[]> {
  const store = new NotifyStore(join(dir, `${run}.db`));
  const dispatcher = new Dispatcher(
    {
      tree: buildTree({
        receiver: 'pager',
        group_by: ['...'],
        group_wait: 0,
        group_interval: 60_000,
        repeat_interval: 4 * 3_600_000,
      }),
      inhibit: [],
      receivers: new Map([['pager', { perTenant: false }]]),
      incidentTiming: { group_by: [], group_wait: 0, group_interval: 60_000, repeat_interval: 3_600_000 },
      links: {},
    },
    store,
  );
  const delivery = new Delivery(
    store,
    new Map([['pager', webhookSender({ url: sink.url, format: 'lookout', timeoutMs: 10_000 })]]),
  );
  delivery.start();
  const ownership = new Ownership({ tenants: [] });
  const alerts: TrackedAlert[] = [];
  const firedAt = await drive((ns) => {
    const now = Date.now();
    for (const n of ns) {
      const labels = labelsOf(run, n);
      alerts.push({
        fingerprint: fingerprint(labels),
        rule: 'BenchAlert',
        labels,
        severity: 'page',
        audience: ['operators'],
        annotations: { summary: `bench alert ${n}` },
        value: 1,
        phase: 'firing',
        activeSince: now,
        firedAt: now,
      });
    }
    delivery.add(dispatcher.dispatch(alerts, [], ownership, now));
  });
  const out = await latencies(sink, run, firedAt);
  await delivery.stop();
  store.close();
  return out;
}

async function alertmanagerOnce(sink: Sink, amUrl: string, run: string): Promise<number[]> {
  const startsAt = new Date().toISOString();
  const firedAt = await drive(async (ns) => {
    const res = await fetch(`${amUrl}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        ns.map((n) => ({ labels: labelsOf(run, n), annotations: { summary: `bench alert ${n}` }, startsAt })),
      ),
    });
    if (!res.ok) throw new Error(`alertmanager: HTTP ${res.status}`);
  });
  return latencies(sink, run, firedAt);
}

export default async function bench(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-bench-dispatch-'));
  const sink = await startSink();
  const am = await startAlertmanager(sink.url);
  const ours: { p50: number; p99: number }[] = [];
  const peer: { p50: number; p99: number }[] = [];
  try {
    // A first round of each warms both up (JIT, connections, Alertmanager's maps) and is not counted.
    await oursOnce(sink, dir, 'warm-ours');
    await alertmanagerOnce(sink, am.url, 'warm-am');
    for (let i = 0; i < runs; i += 1) {
      const o = await oursOnce(sink, dir, `ours${i}`);
      ours.push({ p50: percentile(o, 50), p99: percentile(o, 99) });
      const p = await alertmanagerOnce(sink, am.url, `am${i}`);
      peer.push({ p50: percentile(p, 50), p99: percentile(p, 99) });
      console.error(
        `run ${i + 1}: ours p50 ${ours[i]?.p50.toFixed(1)} ms p99 ${ours[i]?.p99.toFixed(1)} ms; Alertmanager p50 ${peer[i]?.p50.toFixed(1)} ms p99 ${peer[i]?.p99.toFixed(1)} ms`,
      );
    }
  } finally {
    await am.stop();
    sink.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const input = `${rate} alerts/s for ${seconds} s (batches of ${(rate * batchEvery) / 1_000} every ${batchEvery} ms), one group each, group_wait 0, to a webhook sink in its own process (bench/webhook-sink.mjs); each clock starts when the alert enters the system's input: ours when the rule engine's firing alert is handed to the dispatcher in-process (routing, grouping, the SQLite outbox with synchronous=FULL, HTTP delivery), Alertmanager's when the POST /api/v2/alerts that carries it starts (HTTP, its in-memory store, dispatch, HTTP delivery; no per-alert durable write). Not the same transport: Lookout's notifier has no HTTP input, its engine and notifier are one process`;
  const round = (v: number) => Number(v.toFixed(1));
  return (['p50', 'p99'] as const).map((q) =>
    result({
      name: `dispatch-latency-${q}`,
      unit: 'ms',
      ours: round(median(ours.map((x) => x[q]))),
      peer: round(median(peer.map((x) => x[q]))),
      peerName: 'Alertmanager 0.25 (from the start of its POST /api/v2/alerts)',
      better: 'lower',
      input,
      runs,
      details: { ours, peer },
    }),
  );
}
