import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlerter } from '../../alerter/src/main.ts';
import type { RunningAlerter } from '../../alerter/src/main.ts';
import { notifySchema } from '../../alerter/src/config.ts';
import type { NotifyConfig } from '../../alerter/src/config.ts';
import { NotifyStore } from '../../alerter/src/store/notify.ts';
import { startWebhookReceiver } from '../../lab/src/catchers.ts';
import type { Received, WebhookReceiver } from '../../lab/src/catchers.ts';
import { freePorts } from '../../lab/src/ports.ts';
import { runCollector } from '../../collector/src/main.ts';
import { labAlerterSetup } from '../../lab/src/alerter-config.ts';
import { labCollectorConfig } from '../../lab/src/collector-config.ts';
import { controlBroker, controlInflux } from '../../lab/src/control.ts';
import { processState } from '../../lab/src/process.ts';
import type { TrackedAlert } from '../../rules/src/alert.ts';
import { currentLab, sleep, uniqueName, until } from '../lab/lab.ts';

// Drills of the alerting pipeline's own faults on the real lab: the pager down across a broker kill, the alerter
// killed (-9) between firing and delivery, influxd stopped. The real collector and two real alerters over the
// same InfluxDB database, with the pack as shipped; changed from the shipped defaults, and why: the collector's
// cycle and the alerters' evaluation run every 5 s instead of 15 s, and the drill alerter's page route waits 2 s
// (the default tree's group_wait is 10 s), so each drill takes seconds, not minutes. `pack` runs without
// notifications; `drill` notifies a real webhook receiver (the pager). The faults of Kafka itself (a crash, a
// hang, a rolling restart, a stalled consumer, a slow broker) are drilled with every setting as shipped in
// alert-truth.test.ts.
const firing = (
  a: RunningAlerter,
  rule: string,
  labels: Record<string, string> = {},
): TrackedAlert | undefined =>
  a.engine
    .alerts()
    .find(
      (x) =>
        x.rule === rule &&
        x.phase === 'firing' &&
        Object.entries(labels).every(([k, v]) => x.labels[k] === v),
    );

/** The drill alerter's notifications: pages to `oncall` (the pager) after 2 s. */
function drillNotify(pagerUrl: string): NotifyConfig {
  return notifySchema.parse({
    receivers: { oncall: { webhook: { url: pagerUrl } } },
    route: {
      receiver: 'none',
      group_by: ['alertname', 'cluster'],
      group_wait: '2s',
      routes: [{ matchers: ['severity="page"'], receiver: 'oncall' }],
    },
  });
}

const hasBody = (r: Received): Payload => r.body as Payload;
interface Payload {
  status: 'firing' | 'resolved';
  incidentKey: string;
  groupLabels: Record<string, string>;
  alerts: {
    labels: Record<string, string>;
    affected?: { labels: Record<string, string>; value: number }[];
  }[];
  suppressed: { alertname: string }[];
}
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

describe('alerting and notification drills on the lab', () => {
  const lab = currentLab();
  const dir = mkdtempSync(join(tmpdir(), 'lookout-drills-'));
  const database = uniqueName('drills').replaceAll('-', '_');
  const stopCollector = new AbortController();
  const log = pino({ level: 'error' }, pino.destination(2));
  let collector: Promise<void>;
  let pack: RunningAlerter;
  let drill: RunningAlerter;
  let hook: WebhookReceiver;
  let hookPort: number;
  /** Pages the pager got from `since` on. */
  const pages = (since: number): Payload[] => hook.received.filter((r) => r.atMs >= since).map(hasBody);

  beforeAll(async () => {
    hook = await startWebhookReceiver();
    hookPort = hook.port;
    const config = labCollectorConfig(lab, database, 5_000);
    collector = runCollector(config, process.env, log, stopCollector.signal);
    const setup = (name: string, more: Parameters<typeof labAlerterSetup>[1] = {}) =>
      labAlerterSetup(lab, {
        database,
        intervalMs: 5_000,
        listen: '127.0.0.1:0',
        statePath: join(dir, `${name}.db`),
        ...more,
      });
    pack = await startAlerter(setup('pack'), log);
    drill = await startAlerter(setup('drill', { notify: drillNotify(`http://127.0.0.1:${hookPort}/`) }), log);
    // Data is flowing and both alerters evaluate it.
    await until('collector data in the store', 60_000, () =>
      pack.engine.ruleStatus().every((s) => s.health === 'ok') &&
      pack.engine.alerts().some((a) => a.rule === 'LookoutWatchdog')
        ? true
        : undefined,
    );
  });

  afterAll(async () => {
    if (processState(currentLab().influx.pid, lab.dir) === 'gone') await controlInflux(lab.dir, 'start');
    await Promise.allSettled([pack?.stop(), drill?.stop()]);
    stopCollector.abort();
    await collector;
    await hook?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'the pager is down for a minute across a broker kill: the page arrives once, within 1 s of its recovery',
    { timeout: 400_000 },
    async () => {
      await hook.close();
      const downAt = Date.now();
      await controlBroker(lab.dir, 3, 'kill');
      try {
        await until('KafkaBrokerDown firing', 90_000, () =>
          firing(drill, 'KafkaBrokerDown', { broker: '3' }),
        );
        await sleep(Math.max(0, downAt + 60_000 - Date.now()));
        const waiting = (await (
          await fetch(`http://127.0.0.1:${(drill.server.address() as AddressInfo).port}/api/notifications`)
        ).json()) as {
          notifications: {
            queue: string;
            groupLabels: Record<string, string>;
            attempts: number;
            delivered?: string;
          }[];
        };
        const queued = waiting.notifications.find(
          (n) =>
            n.queue === 'oncall' &&
            n.groupLabels.alertname === 'KafkaBrokerDown' &&
            n.delivered === undefined,
        );
        expect(queued?.attempts).toBeGreaterThan(10);
        const old = hook.received;
        hook = await startWebhookReceiver(hookPort);
        hook.received.push(...old);
        const upAt = Date.now();
        const page = await until('the page', 10_000, () =>
          hook.received.find((r) => r.atMs >= upAt && hasBody(r).groupLabels.alertname === 'KafkaBrokerDown'),
        );
        console.error(
          `[drill] pager down 1 min across a broker kill → page ${secs(page.atMs - upAt)} after the pager came back (${queued?.attempts ?? 0} refused attempts meanwhile)`,
        );
        expect(page.atMs - upAt).toBeLessThanOrEqual(1_000);
        await sleep(5_000);
        expect(
          pages(upAt).filter((p) => p.status === 'firing' && p.groupLabels.alertname === 'KafkaBrokerDown'),
        ).toHaveLength(1);
      } finally {
        await controlBroker(lab.dir, 3, 'start');
      }
      await until('broker 3 back', 120_000, () =>
        drill.engine.alerts().some((a) => a.rule === 'KafkaBrokerDown' && a.phase !== 'resolved')
          ? undefined
          : true,
      );
    },
  );

  it(
    'kill -9 of the alerter between firing and delivery: delivered once after the restart',
    { timeout: 180_000 },
    async () => {
      const [port = 0] = await freePorts(1);
      const childDir = join(dir, 'kill9');
      mkdirSync(childDir);
      writeFileSync(
        join(childDir, 'canary.yaml'),
        [
          'rules:',
          '  - alert: DrillCollectorRunning',
          '    severity: page',
          '    audience: [operators]',
          '    metric: scrape.duration_ms',
          '    window: 1m',
          '    reduce: last',
          '    by: [cluster]',
          "    op: '>='",
          '    threshold: 0',
          '    annotations:',
          "      summary: 'drill: the collector runs on {{labels.cluster}}'",
          "      description: 'Fires while the collector writes, so the drill has a page at once.'",
          '      runbook: docs/runbooks.md',
          '',
        ].join('\n'),
      );
      const configFile = join(childDir, 'alerter.yaml');
      writeFileSync(
        configFile,
        stringify({
          influx: { url: currentLab().influx.url, database },
          rules: ['canary.yaml'],
          evaluation: { interval: '5s' },
          state: { path: 'alerts.db' },
          listen: '127.0.0.1:0',
          notify: {
            receivers: { oncall: { webhook: { url: `http://127.0.0.1:${port}/` } } },
            route: {
              receiver: 'none',
              routes: [
                { matchers: ['alertname="DrillCollectorRunning"'], receiver: 'oncall', group_wait: '0s' },
              ],
            },
          },
        }),
      );
      let output = '';
      const start = () => {
        const c = spawn(
          process.execPath,
          [join(import.meta.dirname, '..', '..', 'bin', 'lookout.mjs'), 'alert', '--config', configFile],
          { stdio: ['ignore', 'ignore', 'pipe'] },
        );
        c.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000)));
        return c;
      };
      const outbox = () => {
        const store = new NotifyStore(join(childDir, 'alerts.db'));
        try {
          return store.outbox();
        } finally {
          store.close();
        }
      };
      let child = start();
      try {
        // Fired and queued; the pager refuses (nothing listens): kill -9 while it waits in the outbox.
        const queued = await until('the page in the outbox', 60_000, () => {
          if (child.exitCode !== null) throw new Error(`the alerter exited: ${output}`);
          return outbox().find((r) => r.attempts >= 1 && r.deliveredMs === undefined);
        });
        child.kill('SIGKILL');
        await new Promise((ok) => child.once('exit', ok));
        const receiver = await startWebhookReceiver(port);
        try {
          const restartedAt = Date.now();
          child = start();
          const got = await until('the page after the restart', 60_000, () => receiver.received[0]);
          await sleep(8_000); // evaluations after the restart: no second page for the same group
          console.error(
            `[drill] kill -9 between firing and delivery → delivered ${secs(got.atMs - restartedAt)} after the restart; pages received: ${receiver.received.length}`,
          );
          expect(receiver.received.map((r) => hasBody(r).incidentKey)).toEqual([queued.incidentKey]);
          expect(hasBody(got).groupLabels).toEqual({ alertname: 'DrillCollectorRunning', cluster: 'lab' });
          expect(hasBody(got).alerts[0]?.labels.alertname).toBe('DrillCollectorRunning');
        } finally {
          await receiver.close();
        }
      } finally {
        child.kill('SIGTERM');
        await new Promise((ok) => (child.exitCode === null ? child.once('exit', ok) : ok(undefined)));
      }
    },
  );

  it(
    'influxd stopped raises the store-unreachable alert in the first evaluation after it',
    { timeout: 120_000 },
    async () => {
      const { port } = pack.server.address() as AddressInfo;
      await controlInflux(lab.dir, 'stop');
      const stoppedAt = Date.now();
      try {
        const report = await until('an evaluation that started after the stop', 30_000, () => {
          const r = pack.lastReport();
          return r !== undefined && r.atMs > stoppedAt ? r : undefined;
        });
        console.error(
          `[drill] influxd stopped → LookoutStoreUnreachable firing in ${secs(Date.now() - stoppedAt)} (first evaluation after the stop)`,
        );
        expect(report.storeError).toMatch(/cannot be reached/);
        expect(firing(pack, 'LookoutStoreUnreachable')).toBeDefined();
        const health = await fetch(`http://127.0.0.1:${port}/healthz`);
        expect(health.status).toBe(503);
        // Blind is not resolved: the watchdog keeps firing, nothing resolves.
        expect(firing(pack, 'LookoutWatchdog')).toBeDefined();
      } finally {
        await controlInflux(lab.dir, 'start');
      }
      await until('the store alert to resolve', 60_000, () =>
        pack.engine.alerts().find((a) => a.rule === 'LookoutStoreUnreachable')?.phase === 'resolved'
          ? true
          : undefined,
      );
    },
  );
});
