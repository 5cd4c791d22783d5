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
import { notifySchema } from '../../alerter/src/notify/config.ts';
import type { NotifyConfig } from '../../alerter/src/notify/config.ts';
import { NotifyStore } from '../../alerter/src/store/notify.ts';
import { AlertStore } from '../../alerter/src/store/sqlite.ts';
import { startSmtpCatcher, startWebhookReceiver } from '../../lab/src/catchers.ts';
import type { CaughtMail, Received, SmtpCatcher, WebhookReceiver } from '../../lab/src/catchers.ts';
import { freePorts } from '../../lab/src/ports.ts';
import { createConsumer, createProducer } from '../../collector/src/kafka/client.ts';
import { runCollector } from '../../collector/src/main.ts';
import { labAlerterSetup } from '../../lab/src/alerter-config.ts';
import { labCollectorConfig } from '../../lab/src/collector-config.ts';
import { controlBroker, controlInflux } from '../../lab/src/control.ts';
import { processState } from '../../lab/src/process.ts';
import type { TrackedAlert } from '../../rules/src/alert.ts';
import { currentLab, labKafka, sleep, uniqueName, until, waitForEveryPartitionInSync } from '../lab/lab.ts';

// Drills on the real lab: the real collector and two real alerters over the same InfluxDB database. Changed
// from the shipped defaults, and why: the collector's cycle and the alerters' evaluation run every 5 s instead
// of 15 s, and the drill alerter shortens KafkaUnderMinIsr's `for` to 10 s and ConsumerLagHigh's to 0, so each
// drill takes seconds, not minutes; its routing tree has shorter group_waits (below). The probe and the
// brokers' liveness run as shipped. `pack` runs the default pack as shipped, without notifications; `drill`
// notifies a real webhook receiver (the pager) and a real SMTP server (the tenants' mailboxes). The defaults
// cover the same faults elsewhere: a broker crash and a rolling restart (and a hang) with every setting as
// shipped in alert-truth.test.ts, and a consumer that stops progressing with its tenant's threshold and the pack
// as shipped there too (the stalled-consumer test); the shipped `for`s of KafkaUnderMinIsr and ConsumerLagHigh in the pack's rule
// tests (rules/kafka/replication.test.yaml, consumers.test.yaml), which run them at their real length. The
// pager outage, kill -9 and influxd drills change no rule: only the cadence.
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

/** The drill alerter's notifications: the default tree (pages to `oncall`, tenant alerts to their owners). */
function drillNotify(pagerUrl: string, smtpPort: number): NotifyConfig {
  return notifySchema.parse({
    smtp: { host: '127.0.0.1', port: smtpPort, from: 'lookout@example.com' },
    receivers: {
      oncall: { webhook: { url: pagerUrl } },
      tenants: { email: { to: 'owner' } },
    },
    incidents: { group_wait: '2s' },
    route: {
      receiver: 'none',
      group_by: ['alertname', 'cluster'],
      group_wait: '2s',
      routes: [
        {
          matchers: ['audience="tenant"', 'tenant=~".+"'],
          receiver: 'tenants',
          group_by: ['tenant', 'alertname', 'cluster', 'group'],
          group_wait: '0s',
        },
        { matchers: ['severity="page"'], receiver: 'oncall' },
      ],
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
  const tenantsFile = join(dir, 'tenants.yaml');
  const stopCollector = new AbortController();
  const log = pino({ level: 'error' }, pino.destination(2));
  const run = uniqueName('d').slice(2); // short and unique: the drill objects' suffix
  let collector: Promise<void>;
  let pack: RunningAlerter;
  let drill: RunningAlerter;
  let hook: WebhookReceiver;
  let hookPort: number;
  let smtp: SmtpCatcher;
  /** Pages the pager got from `since` on. */
  const pages = (since: number): Payload[] => hook.received.filter((r) => r.atMs >= since).map(hasBody);
  const mailsTo = (address: string, since: number): CaughtMail[] =>
    smtp.mails.filter((m) => m.atMs >= since && m.to.includes(address));

  beforeAll(async () => {
    writeFileSync(
      tenantsFile,
      [
        'tenants:',
        '  - name: shop',
        '    contacts: [shop@example.com]',
        "    groups: ['drill-shop-*']",
        "    topics: ['drill-shop-*']",
        '    thresholds: { lag_seconds: 10 }',
        '  - name: other',
        '    contacts: [other@example.com]',
        "    groups: ['drill-other-*']",
        "    topics: ['drill-other-*']",
        '',
      ].join('\n'),
    );
    hook = await startWebhookReceiver();
    hookPort = hook.port;
    smtp = await startSmtpCatcher();
    const config = { ...labCollectorConfig(lab, database, 5_000), tenants: tenantsFile };
    collector = runCollector(config, process.env, log, stopCollector.signal);
    const setup = (name: string, more: Parameters<typeof labAlerterSetup>[1] = {}) =>
      labAlerterSetup(lab, {
        database,
        intervalMs: 5_000,
        listen: '127.0.0.1:0',
        statePath: join(dir, `${name}.db`),
        tenantsFile,
        ...more,
      });
    pack = await startAlerter(setup('pack'), log);
    drill = await startAlerter(
      setup('drill', {
        overrides: {
          KafkaUnderMinIsr: { for: 10_000 },
          ConsumerLagHigh: { for: 0 },
        },
        notify: drillNotify(`http://127.0.0.1:${hookPort}/`, smtp.port),
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
    await Promise.allSettled([hook?.close(), smtp?.close()]);
    // Every email of every drill holds only its tenant's names.
    for (const m of smtp?.mails ?? []) {
      const text = `${m.subject}\n${m.text}\n${m.html}`;
      if (m.to.includes('shop@example.com')) expect(text).not.toMatch(/drill-other/);
      if (m.to.includes('other@example.com')) expect(text).not.toMatch(/drill-shop/);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  /** Topics owned by each tenant (RF 3, so a later broker kill finds no partition leaderless); deleted after. */
  async function withTopics<T>(
    topics: { topic: string; configEntries?: { name: string; value: string }[] }[],
    use: () => Promise<T>,
  ): Promise<T> {
    const admin = labKafka('drill-admin').admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: false, // kafkajs's default (true) throws on "unknown topic"; leaders are awaited below
      topics: topics.map((t) => ({ ...t, numPartitions: 3, replicationFactor: 3 })),
    });
    // Leaders, waited for here: right after a broker restart the metadata may still answer "unknown topic"
    // (kafkajs's own waitForLeaders throws on that instead of retrying).
    await until('the topics to have leaders', 60_000, async () => {
      try {
        const { topics: meta } = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) });
        return meta.every((t) => t.partitions.length === 3 && t.partitions.every((p) => p.leader >= 0))
          ? true
          : undefined;
      } catch {
        return undefined;
      }
    });
    try {
      return await use();
    } finally {
      await admin.deleteTopics({ topics: topics.map((t) => t.topic) }).catch(() => undefined);
      await admin.disconnect();
    }
  }

  it(
    'rolling restart inside maintenance windows: both alerters read each controlled shutdown as a restart, fire no page and send nothing',
    { timeout: 400_000 },
    async () => {
      const started = Date.now();
      const { port } = drill.server.address() as AddressInfo;
      const api = `http://127.0.0.1:${port}`;
      for (const b of lab.brokers) {
        // The operator opens a maintenance window on the broker, restarts it, and closes the window once
        // the broker is back.
        const res = await fetch(`${api}/api/silences`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            matchers: ['cluster="lab"', `broker="${b.id}"`],
            duration: '15m',
            createdBy: 'drill',
            comment: `rolling restart: broker ${b.id}`,
          }),
        });
        expect(res.status).toBe(201);
        const { id } = (await res.json()) as { id: string };
        await controlBroker(lab.dir, b.id, 'stop');
        await sleep(6_000); // long enough for the collector to see it gone
        await controlBroker(lab.dir, b.id, 'start');
        await until(`broker ${b.id} back`, 120_000, () =>
          drill.engine
            .alerts()
            .some(
              (a) =>
                a.rule === 'KafkaBrokerRestarting' &&
                a.labels.broker === String(b.id) &&
                a.phase !== 'resolved',
            )
            ? undefined
            : true,
        );
        // As an operator's rolling restart does: the next broker only once every replica is back in sync
        // (stopping it earlier leaves partitions under min.insync.replicas: a real outage, which pages).
        await waitForEveryPartitionInSync(120_000);
        await fetch(`${api}/api/silences/${id}`, { method: 'DELETE' });
      }
      // Everything settles: no page alert is pending any more.
      await until('page alerts to settle', 120_000, () =>
        pack.engine.alerts().some((a) => a.severity === 'page' && a.phase === 'pending') ? undefined : true,
      );
      await sleep(10_000);
      const transitionsOf = (name: string) => {
        const store = new AlertStore(join(dir, `${name}.db`));
        const t = store.transitions(0, 100_000).filter((x) => x.atMs >= started);
        store.close();
        return t;
      };
      const packT = transitionsOf('pack');
      const seen = new Set(
        packT
          .filter((t) => t.rule === 'KafkaBrokerRestarting' && t.to === 'firing')
          .map((t) => t.labels.broker),
      );
      expect([...seen].sort()).toEqual(lab.brokers.map((b) => String(b.id)).sort());
      const paged = packT.filter((t) => t.to === 'firing' && t.labels.severity === 'page');
      // A controlled shutdown is no crash: neither alerter fires KafkaBrokerDown, windows or not.
      const drillFired = transitionsOf('drill').filter(
        (t) => t.rule === 'KafkaBrokerDown' && t.to === 'firing',
      );
      console.error(
        `[drill] rolling restart in ${secs(Date.now() - started)}: pack: KafkaBrokerRestarting for brokers ${[...seen].sort().join(', ')}, page alerts fired: ${paged.length} (${paged.map((t) => `${t.rule}${t.labels.broker === undefined ? '' : ` ${t.labels.broker}`}`).join(', ')}); drill alerter (maintenance windows): KafkaBrokerDown fired ${drillFired.length}×, pages sent: ${pages(started).length}`,
      );
      expect(paged).toEqual([]);
      expect(drillFired).toEqual([]);
      expect(pages(started)).toEqual([]);
      expect(smtp.mails.filter((m) => m.atMs >= started)).toEqual([]);
    },
  );

  it(
    'kill-broker: one page within 30 s listing the affected partitions, one incident email per affected tenant, then resolves',
    { timeout: 300_000 },
    async () => {
      const shopTopic = `drill-shop-strict-${run}`;
      const otherTopic = `drill-other-strict-${run}`;
      await withTopics(
        [
          { topic: shopTopic, configEntries: [{ name: 'min.insync.replicas', value: '3' }] },
          { topic: otherTopic },
        ],
        async () => {
          await sleep(6_000); // the collector sees the topics
          await controlBroker(lab.dir, 2, 'kill');
          const killedAt = Date.now();
          const page = await until('the page', 60_000, () =>
            pages(killedAt).find((p) => p.status === 'firing'),
          );
          const pageAt = hook.received.find((r) => hasBody(r) === page)?.atMs ?? 0;
          const down = await until('KafkaBrokerDown firing', 10_000, () =>
            firing(drill, 'KafkaBrokerDown', { broker: '2' }),
          );
          expect(down.labels).toMatchObject({ cluster: 'lab', broker: '2', severity: 'page' });
          expect(page.groupLabels).toEqual({ alertname: 'KafkaBrokerDown', cluster: 'lab' });
          const affected = page.alerts[0]?.affected?.map((r) => r.labels.topic) ?? [];
          expect(affected).toEqual(expect.arrayContaining([shopTopic, otherTopic]));
          const isr = await until('KafkaUnderMinIsr active', 60_000, () =>
            drill.engine.alerts().find((a) => a.rule === 'KafkaUnderMinIsr' && a.phase !== 'resolved'),
          );
          expect(drill.notifier.muted().get(isr.fingerprint)?.inhibitedBy?.alertname).toBe('KafkaBrokerDown');
          const shopMail = await until(
            'the shop incident email',
            30_000,
            () => mailsTo('shop@example.com', killedAt)[0],
          );
          const otherMail = await until(
            'the other incident email',
            30_000,
            () => mailsTo('other@example.com', killedAt)[0],
          );
          console.error(
            `[drill] kill-broker → page in ${secs(pageAt - killedAt)} listing ${affected.length} topics; incident emails: shop in ${secs(shopMail.atMs - killedAt)}, other in ${secs(otherMail.atMs - killedAt)}`,
          );
          expect(pageAt - killedAt).toBeLessThanOrEqual(30_000);
          expect(shopMail.subject).toBe('[FIRING] Platform incident on lab: Broker 2 of lab crashed');
          expect(shopMail.text).toContain(`topic ${shopTopic}: 3`);
          expect(otherMail.text).toContain(`topic ${otherTopic}: 3`);
          await sleep(20_000); // under-min-ISR has fired by now (for: 10 s): still one page, one email each
          expect(firing(drill, 'KafkaUnderMinIsr')).toBeDefined();
          expect(pages(killedAt).map((p) => [p.status, p.groupLabels.alertname])).toEqual([
            ['firing', 'KafkaBrokerDown'],
          ]);
          expect(mailsTo('shop@example.com', killedAt)).toHaveLength(1);
          expect(mailsTo('other@example.com', killedAt)).toHaveLength(1);

          await controlBroker(lab.dir, 2, 'start');
          const startedAt = Date.now();
          const resolved = await until('the resolve page', 120_000, () =>
            pages(killedAt).find((p) => p.status === 'resolved'),
          );
          expect(resolved.incidentKey).toBe(page.incidentKey);
          await until('resolved incident emails', 60_000, () =>
            mailsTo('shop@example.com', startedAt).length > 0 &&
            mailsTo('other@example.com', startedAt).length > 0
              ? true
              : undefined,
          );
          expect(mailsTo('shop@example.com', startedAt)[0]?.subject).toMatch(
            /^\[RESOLVED\] Platform incident on lab/,
          );
          await sleep(15_000); // replicas catch up under the inhibition's hold: no late under-min-ISR page
          expect(pages(killedAt).map((p) => p.status)).toEqual(['firing', 'resolved']);
        },
      );
    },
  );

  it(
    'a stopped consumer: its tenant gets one lag email with evidence within its threshold; the other tenant and the pager nothing',
    { timeout: 240_000 },
    async () => {
      const kafka = labKafka('drill-lag');
      const shopTopic = `drill-shop-orders-${run}`;
      const otherTopic = `drill-other-events-${run}`;
      const shopGroup = `drill-shop-consumer-${run}`;
      const otherGroup = `drill-other-consumer-${run}`;
      await withTopics([{ topic: shopTopic }, { topic: otherTopic }], async () => {
        const producer = createProducer(kafka);
        await producer.connect();
        let producing = true;
        const traffic = (async () => {
          while (producing) {
            // A send may fail while metadata settles after the previous drill; the next one goes again.
            await producer
              .send({ topic: shopTopic, messages: [{ value: String(Date.now()) }, { value: 'x' }] })
              .catch(() => undefined);
            await producer
              .send({ topic: otherTopic, messages: [{ value: String(Date.now()) }] })
              .catch(() => undefined);
            await sleep(200);
          }
        })();
        const consume = async (groupId: string, topic: string) => {
          const consumer = createConsumer(kafka, { groupId });
          await consumer.connect();
          await consumer.subscribe({ topic, fromBeginning: true });
          let read = 0;
          await consumer.run({ eachMessage: () => Promise.resolve(void (read += 1)) });
          await until(`${groupId} to read`, 60_000, () => (read > 20 ? true : undefined));
          return consumer;
        };
        const groupsSince = Date.now();
        const shop = await consume(shopGroup, shopTopic);
        const other = await consume(otherGroup, otherTopic);
        // A group with history, as in production: the rule's "not catching up" reads lag over 1-minute
        // steps, which a group younger than two of them does not have yet.
        await sleep(Math.max(6_000, groupsSince + 125_000 - Date.now()));
        expect(firing(drill, 'ConsumerLagHigh', { group: shopGroup })).toBeUndefined();
        await shop.disconnect(); // the consumer stops; records keep arriving
        const stoppedAt = Date.now();
        const admin = kafka.admin();
        try {
          const mail = await until('the lag email', 120_000, () =>
            mailsTo('shop@example.com', stoppedAt).find((m) => m.subject.includes('ConsumerLagHigh')),
          );
          const latency = mail.atMs - stoppedAt;
          const fired = drill.engine
            .alerts()
            .find((a) => a.rule === 'ConsumerLagHigh' && a.labels.group === shopGroup);
          // The threshold, plus one collector scrape (lag in seconds is known only when it scrapes) and the
          // evaluation it triggers.
          const bound = 10_000 + 5_000 + 5_000;
          console.error(
            `[drill] consumer stopped → tenant lag email in ${secs(latency)} (alert fired at ${secs((fired?.firedAt ?? 0) - stoppedAt)} with ${fired?.value ?? '?'} s; threshold 10 s, collector and evaluation every 5 s, bound ${secs(bound)})`,
          );
          expect(latency).toBeLessThanOrEqual(bound);
          expect(mail.to).toEqual(['shop@example.com']);
          expect(mail.subject).toBe(`[FIRING ticket] ConsumerLagHigh: ${shopGroup} (lab)`);
          expect(mail.text).toMatch(new RegExp(`Group ${shopGroup} \\(lab\\) is [0-9.]+ s behind`));
          expect(mail.text).toContain(`topic ${shopTopic}, partition `);
          expect(mail.text).toContain('Owner: shop');
          await sleep(10_000);
          expect(
            mailsTo('shop@example.com', stoppedAt).filter((m) => m.subject.includes('ConsumerLagHigh')),
          ).toHaveLength(1);
          expect(mailsTo('other@example.com', stoppedAt)).toEqual([]);
          expect(pages(stoppedAt)).toEqual([]);
          await other.disconnect();
        } finally {
          producing = false;
          await traffic;
          await producer.disconnect();
          await admin.connect();
          await admin.deleteGroups([shopGroup, otherGroup]).catch(() => undefined);
          await admin.disconnect();
        }
      });
    },
  );

  it(
    'the pager is down for 2 minutes across a broker kill: the page arrives once, within 1 s of its recovery',
    { timeout: 400_000 },
    async () => {
      await hook.close();
      const downAt = Date.now();
      await controlBroker(lab.dir, 3, 'kill');
      try {
        await until('KafkaBrokerDown firing', 90_000, () =>
          firing(drill, 'KafkaBrokerDown', { broker: '3' }),
        );
        await sleep(Math.max(0, downAt + 120_000 - Date.now()));
        const waiting = (await (
          await fetch(`http://127.0.0.1:${(drill.server.address() as AddressInfo).port}/api/notifications`)
        ).json()) as {
          notifications: {
            queue: string;
            groupLabels: Record<string, string>;
            attempts: number;
            deliveredMs?: number;
          }[];
        };
        const queued = waiting.notifications.find(
          (n) =>
            n.queue === 'oncall' &&
            n.groupLabels.alertname === 'KafkaBrokerDown' &&
            n.deliveredMs === undefined,
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
          `[drill] pager down 2 min across a broker kill → page ${secs(page.atMs - upAt)} after the pager came back (${queued?.attempts ?? 0} refused attempts meanwhile)`,
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
