import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlerter } from '../../alerter/src/main.ts';
import type { RunningAlerter } from '../../alerter/src/main.ts';
import type { AlerterSetup } from '../../alerter/src/config.ts';
import { AlertStore } from '../../alerter/src/store/sqlite.ts';
import { createConsumer, createProducer } from '../../collector/src/kafka/client.ts';
import { runCollector } from '../../collector/src/main.ts';
import { labAlerterSetup } from '../../lab/src/alerter-config.ts';
import { labCollectorConfig } from '../../lab/src/collector-config.ts';
import { controlBroker, controlInflux } from '../../lab/src/control.ts';
import { processState } from '../../lab/src/process.ts';
import type { TrackedAlert } from '../../rules/src/alert.ts';
import { currentLab, labKafka, uniqueName } from '../lab/lab.ts';

// Drills on the real lab: the real collector (every 5 s) and two real alerters over the same InfluxDB database.
// `pack` runs the default pack as shipped (its graces untouched); `drill` shortens a few `for` so a drill
// does not wait minutes.
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
async function until<T>(
  what: string,
  ms: number,
  probe: () => T | undefined | Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(1_000);
  }
}
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

describe('alerting drills on the lab', () => {
  const lab = currentLab();
  const dir = mkdtempSync(join(tmpdir(), 'lookout-drills-'));
  const database = uniqueName('drills').replaceAll('-', '_');
  const group = uniqueName('drill-consumer');
  const tenantsFile = join(dir, 'tenants.yaml');
  const stopCollector = new AbortController();
  const log = pino({ level: 'error' }, pino.destination(2));
  let collector: Promise<void>;
  let pack: RunningAlerter;
  let drill: RunningAlerter;

  beforeAll(async () => {
    writeFileSync(
      tenantsFile,
      `tenants:\n  - name: shop\n    contacts: [shop@example.com]\n    groups: ['drill-consumer-*']\n    topics: ['drill-*']\n    thresholds: { lag_seconds: 5 }\n`,
    );
    const config = { ...labCollectorConfig(lab, database, 5_000), tenants: tenantsFile };
    const clusters = config.clusters.map((c) => ({ ...c, probe: { ...c.probe, enabled: false } }));
    collector = runCollector({ ...config, clusters }, process.env, log, stopCollector.signal);
    const setup = (name: string, overrides: AlerterSetup['config']['overrides'] = {}) =>
      labAlerterSetup(lab, {
        database,
        intervalMs: 5_000,
        listen: '127.0.0.1:0',
        statePath: join(dir, `${name}.db`),
        tenantsFile,
        overrides,
      });
    pack = await startAlerter(setup('pack'), log);
    drill = await startAlerter(
      setup('drill', {
        KafkaBrokerDown: { for: 15_000 },
        KafkaUnderMinIsr: { for: 10_000 },
        ConsumerLagHigh: { for: 10_000 },
      }),
      log,
    );
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
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'a clean rolling restart of every broker within the grace fires nothing at page severity',
    { timeout: 300_000 },
    async () => {
      const started = Date.now();
      for (const b of lab.brokers) {
        await controlBroker(lab.dir, b.id, 'stop');
        await sleep(6_000); // long enough for the collector to see it gone
        await controlBroker(lab.dir, b.id, 'start');
      }
      // Everything settles: no page alert is pending any more.
      await until('page alerts to settle', 120_000, () =>
        pack.engine.alerts().some((a) => a.severity === 'page' && a.phase === 'pending') ? undefined : true,
      );
      await sleep(6_000);
      const store = new AlertStore(join(dir, 'pack.db'));
      const transitions = store.transitions(0, 100_000).filter((t) => t.atMs >= started);
      store.close();
      // The pack saw every broker go (pending) …
      const seen = new Set(
        transitions
          .filter((t) => t.rule === 'KafkaBrokerDown' && t.to === 'pending')
          .map((t) => t.labels.broker),
      );
      expect([...seen].sort()).toEqual(lab.brokers.map((b) => String(b.id)).sort());
      const paged = transitions.filter((t) => t.to === 'firing' && t.labels.severity === 'page');
      console.error(
        `[drill] rolling restart in ${((Date.now() - started) / 1000).toFixed(0)} s: KafkaBrokerDown pending for brokers ${[...seen].sort().join(', ')}; page alerts fired: ${paged.length}`,
      );
      // … and paged for none of it.
      expect(transitions.filter((t) => t.to === 'firing' && t.labels.severity === 'page')).toEqual([]);
    },
  );

  it(
    'kill-broker fires broker-down and under-min-ISR, and both resolve when it is back',
    { timeout: 240_000 },
    async () => {
      const admin = labKafka('drill-admin').admin();
      await admin.connect();
      const strict = uniqueName('drill-strict');
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: strict,
            numPartitions: 3,
            replicationFactor: 3,
            configEntries: [{ name: 'min.insync.replicas', value: '3' }],
          },
        ],
      });
      try {
        await controlBroker(lab.dir, 2, 'kill');
        const killedAt = Date.now();
        const down = await until('KafkaBrokerDown firing', 120_000, () =>
          firing(drill, 'KafkaBrokerDown', { broker: '2' }),
        );
        console.error(
          `[drill] kill-broker → KafkaBrokerDown firing in ${((Date.now() - killedAt) / 1000).toFixed(1)} s (for: 15 s)`,
        );
        expect(down.labels).toMatchObject({ cluster: 'lab', broker: '2', severity: 'page' });
        expect(down.annotations.summary).toBe('Broker 2 of lab is not in the cluster metadata');
        const isr = await until('KafkaUnderMinIsr firing', 60_000, () =>
          firing(drill, 'KafkaUnderMinIsr', { cluster: 'lab' }),
        );
        expect(isr.value).toBeGreaterThanOrEqual(3);
        // The API serves them.
        const { port } = drill.server.address() as AddressInfo;
        const api = (await (await fetch(`http://127.0.0.1:${port}/api/alerts?state=firing`)).json()) as {
          alerts: TrackedAlert[];
        };
        expect(api.alerts.map((a) => a.rule)).toEqual(
          expect.arrayContaining(['KafkaBrokerDown', 'KafkaUnderMinIsr', 'LookoutWatchdog']),
        );
        const bad = await fetch(`http://127.0.0.1:${port}/api/alerts?state=burning`);
        expect(bad.status).toBe(400);
        const rules = (await (await fetch(`http://127.0.0.1:${port}/api/rules`)).json()) as {
          rules: { rule: string; health: string; lastEvaluationMs?: number; durationMs?: number }[];
        };
        expect(rules.rules.find((r) => r.rule === 'KafkaBrokerDown')).toMatchObject({
          health: 'ok',
          firing: 1,
        });
        expect(
          rules.rules.every(
            (r) => typeof r.durationMs === 'number' && typeof r.lastEvaluationMs === 'number',
          ),
        ).toBe(true);
        const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        expect(metrics).toMatch(/lookout_alerter_alerts\{phase="firing"\} [1-9]/);

        await controlBroker(lab.dir, 2, 'start');
        await until('both to resolve', 120_000, () =>
          drill.engine
            .alerts()
            .filter((a) => a.rule === 'KafkaBrokerDown' || a.rule === 'KafkaUnderMinIsr')
            .every((a) => a.phase === 'resolved')
            ? true
            : undefined,
        );
      } finally {
        await admin.deleteTopics({ topics: [strict] }).catch(() => undefined);
        await admin.disconnect();
      }
    },
  );

  it("a stopped consumer fires its tenant's lag alert", { timeout: 240_000 }, async () => {
    const kafka = labKafka('drill-lag');
    const topic = uniqueName('drill-orders');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      // Replicated like production topics: a later drill that kills a broker must not find it leaderless.
      topics: [{ topic, numPartitions: 2, replicationFactor: 3 }],
    });
    const producer = createProducer(kafka);
    await producer.connect();
    let producing = true;
    const traffic = (async () => {
      while (producing) {
        await producer.send({ topic, messages: [{ value: String(Date.now()) }, { value: 'x' }] });
        await sleep(200);
      }
    })();
    const consumer = createConsumer(kafka, { groupId: group });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let read = 0;
    await consumer.run({ eachMessage: () => Promise.resolve(void (read += 1)) });
    await until('the consumer to read', 60_000, () => (read > 20 ? true : undefined));
    await sleep(6_000);
    expect(firing(drill, 'ConsumerLagHigh', { group })).toBeUndefined();
    await consumer.disconnect(); // the consumer stops; records keep arriving
    const stoppedAt = Date.now();
    try {
      const alert = await until('ConsumerLagHigh firing', 180_000, () =>
        firing(drill, 'ConsumerLagHigh', { group }),
      );
      console.error(
        `[drill] consumer stopped → ConsumerLagHigh firing in ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s (threshold 5 s, for: 10 s)`,
      );
      expect(alert.labels).toMatchObject({ cluster: 'lab', group, tenant: 'shop', severity: 'ticket' });
      expect(alert.audience).toEqual(['tenant']);
      expect(alert.value).toBeGreaterThan(5);
      expect(alert.annotations.summary).toMatch(new RegExp(`^Group ${group} \\(lab\\) is [0-9.]+ s behind$`));
    } finally {
      producing = false;
      await traffic;
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.deleteGroups([group]).catch(() => undefined);
      await admin.disconnect();
    }
  });

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
          `[drill] influxd stopped → LookoutStoreUnreachable firing in ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s (first evaluation after the stop)`,
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
