import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createKafka } from '../collector/src/kafka/client.ts';
import { startSmtpCatcher, startWebhookReceiver } from '../lab/src/catchers.ts';
import type { SmtpCatcher, WebhookReceiver } from '../lab/src/catchers.ts';
import { throttleBrokerCpu } from '../lab/src/cgroup.ts';
import { controlBroker, requireState, stopLab } from '../lab/src/control.ts';
import { createDemoTopics, demoTenants, startDemoTraffic } from '../lab/src/demo.ts';
import type { DemoTraffic } from '../lab/src/demo.ts';
import { waitForEveryPartitionInSync } from '../lab/src/readiness.ts';
import { startShippedStack, storedActiveController } from '../lab/src/shipped-stack.ts';
import { bootstrapOf } from '../lab/src/state.ts';
import type { LabState } from '../lab/src/state.ts';
import { startLab } from '../lab/src/up.ts';
import { median, result } from './result.ts';
import type { BenchResult } from './result.ts';
import { startStrimziPeer, strimziKafkaRules } from './strimzi-peer.ts';
import type { PeerStack } from './strimzi-peer.ts';

const say = (line: string): void => console.log(`[alert-truth] ${line}`);
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
const secs = (ms: number): number => Math.round(ms / 100) / 10;

/** How long the normal-traffic period with no fault lasts (minutes); LOOKOUT_BENCH_QUIET_MIN changes it. */
const quietMinutes = Number(process.env.LOOKOUT_BENCH_QUIET_MIN ?? 30);
/** How long a crash or a hang lasts before the broker is back. */
const faultMs = 60_000;
/** How long a broker stays slowed. */
const slowMs = 360_000;
/**
 * After a fault is undone and the cluster has healed, no window closes before 150 s (Lookout's inhibition hold
 * and a margin) nor before 330 s from its start (Alertmanager's default group_interval is 5 m: a group still
 * open from one fault would fold the next fault's first notification into its schedule).
 */
const settleMs = 150_000;
const spacingMs = 330_000;

/** One period of the run: a fault (a page is due) or a period where any page is false. */
interface Window {
  name: string;
  real: boolean;
  startMs: number;
  endMs: number;
}

/** What one stack told the operators: the time and the alert names of each firing notification. */
interface Told {
  atMs: number;
  what: string;
}

interface Stack {
  name: string;
  told(): Told[];
}

/** The webhook notifications a receiver got whose status was firing (Alertmanager's and Lookout's bodies). */
function firing(receiver: WebhookReceiver): Told[] {
  return receiver.received
    .map((r) => ({
      atMs: r.atMs,
      body: r.body as { status?: string; alerts?: { labels?: Record<string, string> }[] },
    }))
    .filter((r) => r.body.status === 'firing')
    .map((r) => ({
      atMs: r.atMs,
      what: [...new Set((r.body.alerts ?? []).map((a) => a.labels?.alertname ?? '?'))].join(','),
    }));
}

const healed = (lab: LabState): Promise<void> => waitForEveryPartitionInSync(bootstrapOf(lab), 180_000);

function summarize(stack: Stack, windows: readonly Window[]) {
  const told = stack.told();
  const per = windows.map((w) => {
    const inside = told.filter((t) => t.atMs >= w.startMs && t.atMs < w.endMs);
    return {
      window: w.name,
      real: w.real,
      first_s: inside[0] === undefined ? null : secs(inside[0].atMs - w.startMs),
      notifications: inside.length,
      what: inside.map((t) => `${secs(t.atMs - w.startMs)} s ${t.what}`),
    };
  });
  const real = per.filter((p) => p.real);
  const detected = real.filter((p) => p.first_s !== null);
  const truePages = real.reduce((n, p) => n + p.notifications, 0);
  const falsePages = per.filter((p) => !p.real).reduce((n, p) => n + p.notifications, 0);
  const pageFaults = detected.filter((p) => /crash|hang/.test(p.window)).map((p) => p.first_s ?? 0);
  return {
    recall: real.length === 0 ? 0 : detected.length / real.length,
    precision: truePages + falsePages === 0 ? 0 : truePages / (truePages + falsePages),
    median_first_s: detected.length === 0 ? null : median(detected.map((p) => p.first_s ?? 0)),
    median_page_s: pageFaults.length === 0 ? null : median(pageFaults),
    missed: real.filter((p) => p.first_s === null).map((p) => p.window),
    false_pages: falsePages,
    per_window: per,
  };
}

/**
 * Alert truth on one lab, every stack at once on the same brokers and faults: Lookout as shipped (the example
 * intervals, the default pack, the probe on; pages to a webhook, tickets to the operators' mailbox), and
 * Prometheus 2.42 + Alertmanager 0.25 (Debian) with Strimzi's example Kafka rules (`strimzi-peer.ts`) at the
 * intervals of Strimzi's example deployment (the Prometheus operator's 30 s scrape and evaluation) and
 * Alertmanager's defaults (one group, group_wait 30 s, group_interval 5 m), every notification to a webhook, as
 * Strimzi's example routes everything to one channel; and the same peer tuned to Lookout's 15 s and a 5 s
 * group_wait. The faults, in order, under the demo's traffic: a quiet period (30 minutes), a crash (SIGKILL) of a broker for 60 s, a
 * crash of the active controller, a hang (SIGSTOP) for 60 s, a rolling restart by controlled shutdown, and a
 * slow broker (its JVM capped at 0.1 CPU for 6 minutes). A notification inside a fault's window is true, one in
 * the quiet period or the rolling restart false.
 */
export default async function bench(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-alert-truth-'));
  const log = pino({ level: 'error' }, pino.destination(2));
  const lab0 = await startLab({ dir: join(dir, 'lab'), brokers: 3, say });
  const receivers: WebhookReceiver[] = [];
  const peers: PeerStack[] = [];
  let smtp: SmtpCatcher | undefined;
  let ours: Awaited<ReturnType<typeof startShippedStack>> | undefined;
  let traffic: DemoTraffic | undefined;
  try {
    const pager = await startWebhookReceiver();
    const peerHook = await startWebhookReceiver();
    const tunedHook = await startWebhookReceiver();
    receivers.push(pager, peerHook, tunedHook);
    smtp = await startSmtpCatcher();
    const database = 'alert_truth';
    peers.push(
      await startStrimziPeer('strimzi-defaults', lab0, join(dir, 'peer'), {
        interval: '30s',
        route: {},
        webhookUrl: `http://127.0.0.1:${peerHook.port}/`,
      }),
      await startStrimziPeer('strimzi-tuned', lab0, join(dir, 'tuned'), {
        interval: '15s',
        route: { group_wait: '5s' },
        webhookUrl: `http://127.0.0.1:${tunedHook.port}/`,
      }),
    );
    ours = await startShippedStack(lab0, {
      database,
      dir,
      pagerUrl: `http://127.0.0.1:${pager.port}/`,
      smtpPort: smtp.port,
      log,
    });

    // The demo's normal traffic through every fault: three tenants' producers and consumers, one group
    // (search-indexer) deliberately slower than its topic.
    const kafka = createKafka({ brokers: bootstrapOf(lab0), clientId: 'bench-traffic' });
    await createDemoTopics(kafka, demoTenants, lab0.brokers.length);
    traffic = await startDemoTraffic(kafka, demoTenants);

    say('warming up (90 s)');
    await sleep(90_000);
    await healed(lab0);
    const stacks: Stack[] = [
      {
        name: 'lookout',
        told: () =>
          [
            ...firing(pager),
            ...(smtp?.mails ?? [])
              .filter((m) => m.to.includes('kafka-ops@example.com') && m.subject.startsWith('[FIRING'))
              .map((m) => ({ atMs: m.atMs, what: m.subject })),
          ].sort((a, b) => a.atMs - b.atMs),
      },
      { name: 'strimzi-defaults', told: () => firing(peerHook) },
      { name: 'strimzi-tuned', told: () => firing(tunedHook) },
    ];
    const windows: Window[] = [];
    const settle = async (w: Omit<Window, 'endMs'>): Promise<void> => {
      await healed(requireState(lab0.dir));
      const healedAt = Date.now();
      await sleep(Math.max(healedAt + settleMs, w.startMs + spacingMs) - Date.now());
      windows.push({ ...w, endMs: Date.now() });
      say(`${w.name}: done (${secs(Date.now() - w.startMs)} s)`);
    };
    const labDir = lab0.dir;

    say(`quiet: ${quietMinutes} minutes of normal traffic`);
    const q0 = Date.now();
    await sleep(quietMinutes * 60_000);
    windows.push({ name: 'quiet', real: false, startMs: q0, endMs: Date.now() });

    const controller = await storedActiveController(lab0.influx.url, database);
    const other = lab0.brokers.map((b) => b.id).find((id) => id !== controller) ?? 1;
    say(`crash: SIGKILL broker ${other} for ${faultMs / 1000} s`);
    let t0 = Date.now();
    await controlBroker(labDir, other, 'kill');
    await sleep(faultMs - (Date.now() - t0));
    await controlBroker(labDir, other, 'start');
    await settle({ name: `crash of broker ${other}`, real: true, startMs: t0 });

    const active = await storedActiveController(lab0.influx.url, database);
    say(`controller crash: SIGKILL broker ${active}, the active controller`);
    t0 = Date.now();
    await controlBroker(labDir, active, 'kill');
    await sleep(faultMs - (Date.now() - t0));
    await controlBroker(labDir, active, 'start');
    await settle({ name: `crash of the active controller (broker ${active})`, real: true, startMs: t0 });

    say(`hang: SIGSTOP broker ${other} for ${faultMs / 1000} s`);
    t0 = Date.now();
    await controlBroker(labDir, other, 'pause');
    await sleep(faultMs);
    await controlBroker(labDir, other, 'resume');
    await settle({ name: `hang of broker ${other}`, real: true, startMs: t0 });

    say('rolling restart: every broker by controlled shutdown, one by one');
    t0 = Date.now();
    for (const b of requireState(labDir).brokers) {
      await controlBroker(labDir, b.id, 'stop');
      await controlBroker(labDir, b.id, 'start');
      await healed(requireState(labDir));
    }
    await settle({ name: 'rolling restart', real: false, startMs: t0 });

    const slow = (await storedActiveController(lab0.influx.url, database)) === other ? controller : other;
    say(`slow broker: broker ${slow} capped at 0.1 CPU for ${slowMs / 60_000} minutes`);
    t0 = Date.now();
    throttleBrokerCpu(labDir, slow, 0.1);
    try {
      await sleep(slowMs);
    } finally {
      throttleBrokerCpu(labDir, slow, undefined);
    }
    await settle({ name: `slow broker ${slow}`, real: true, startMs: t0 });

    const summary = Object.fromEntries(stacks.map((s) => [s.name, summarize(s, windows)]));
    for (const [name, s] of Object.entries(summary)) {
      say(
        `${name}: recall ${s.recall.toFixed(2)}, precision ${s.precision.toFixed(2)}, median to first page on crash/hang ${s.median_page_s ?? '—'} s, missed ${s.missed.join('; ') || 'none'}, false pages ${s.false_pages}`,
      );
      for (const w of s.per_window) say(`  ${w.window}: ${w.what.join('; ') || 'nothing'}`);
    }
    const lookout = summary.lookout;
    const peer = summary['strimzi-defaults'];
    const tuned = summary['strimzi-tuned'];
    if (lookout === undefined || peer === undefined || tuned === undefined)
      throw new Error('a stack is missing');
    const tenantEmails = (smtp?.mails ?? []).filter((m) => !m.to.includes('kafka-ops@example.com'));
    const input = `lab: 3 brokers (KRaft, Kafka's defaults), the demo's traffic (3 tenants, 84 records/s, search-indexer slow on purpose); ${quietMinutes} min quiet, crash 60 s, active-controller crash 60 s, hang 60 s, rolling restart, slow broker (0.1 CPU, 6 min); one trial each; stacks as in bench/alert-truth.bench.ts and bench/strimzi-peer.ts`;
    const details = (vs: typeof peer) => ({
      ours: lookout,
      peer: vs,
      ratios: {
        recall: vs.recall === 0 ? null : Number((lookout.recall / vs.recall).toFixed(3)),
        precision: vs.precision === 0 ? null : Number((lookout.precision / vs.precision).toFixed(3)),
      },
      tenant_emails: tenantEmails.map((m) => `${secs(m.atMs - q0)} s ${m.to.join(',')}: ${m.subject}`),
      peer_rules: strimziKafkaRules,
      peer_source:
        'strimzi-kafka-operator packaging/examples/metrics/prometheus-install/prometheus-rules/prometheus-kafka-rules.yaml (Kafka group)',
    });
    const headline = (vs: typeof peer, name: string, peerName: string): BenchResult =>
      result({
        name,
        unit: 's',
        ours: lookout.median_page_s ?? Number.NaN,
        peer: vs.median_page_s ?? Number.NaN,
        peerName,
        better: 'lower',
        input,
        runs: 1,
        target: {
          text: 'recall 1, precision 1, crash and hang paged in ≤ 20 s (median)',
          met: () =>
            lookout.recall === 1 && lookout.precision === 1 && (lookout.median_page_s ?? Infinity) <= 20,
        },
        details: details(vs),
      });
    return [
      headline(
        peer,
        'alert-truth',
        'Prometheus 2.42 + Alertmanager 0.25, Strimzi example Kafka rules, 30 s scrape/evaluation, Alertmanager defaults',
      ),
      headline(
        tuned,
        'alert-truth-tuned-peer',
        'Prometheus 2.42 + Alertmanager 0.25, Strimzi example Kafka rules, tuned: 15 s scrape/evaluation, group_wait 5 s',
      ),
    ];
  } finally {
    await traffic?.stop();
    await ours?.stop();
    for (const p of peers) await p.stop();
    await Promise.allSettled([...receivers.map((r) => r.close()), smtp?.close()]);
    for (const b of requireState(lab0.dir).brokers) {
      try {
        throttleBrokerCpu(lab0.dir, b.id, undefined);
      } catch {
        // a broker that is gone has no cap to lift
      }
    }
    await stopLab(requireState(lab0.dir), say);
    rmSync(dir, { recursive: true, force: true });
  }
}
