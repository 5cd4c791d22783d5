import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Producer } from '../../collector/src/kafka/client.ts';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAlerter } from '../../alerter/src/main.ts';
import { throttleBrokerCpu } from '../../lab/src/cgroup.ts';
import { startSmtpCatcher, startWebhookReceiver } from '../../lab/src/catchers.ts';
import type { CaughtMail, SmtpCatcher, WebhookReceiver } from '../../lab/src/catchers.ts';
import { controlBroker } from '../../lab/src/control.ts';
import { processState } from '../../lab/src/process.ts';
import { startShippedStack, storedActiveController } from '../../lab/src/shipped-stack.ts';
import type { ShippedStack } from '../../lab/src/shipped-stack.ts';
import {
  currentLab,
  labKafka,
  sleep,
  uniqueName,
  until as poll,
  waitForEveryPartitionInSync,
} from '../lab/lab.ts';

// Alert truth as shipped: the collector with the example config's schedule (every 15 s, 10 s per target), its
// liveness (every 2 s) and probe on, restart_grace 5 m; the alerter with the default pack as shipped (no
// overrides), the example's evaluation (every 15 s, and as soon as new data lands) and the default routing tree
// (pages to `oncall` after the root's 10 s group_wait, tenants' alerts to their owners, the rest to
// `operators`); a real webhook receiver as the pager and a real SMTP server as every mailbox. Only the
// receivers' addresses are the test's; the tenants are the shipped example catalog's (payments: lag_seconds 60;
// logistics: the pack's default 300 s). Broker settings: Kafka's defaults (broker.session.timeout.ms 9000).
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
/** How long after an incident no late page may come: the inhibition's 2-minute hold and a margin. */
const QUIET_AFTER_MS = 150_000;

interface Page {
  status: 'firing' | 'resolved';
  alerts: { labels: Record<string, string>; affected?: { labels: Record<string, string> }[] }[];
}

// Polled every 200 ms: the figures are the receipts' own times, but the next step of a fault should not wait.
const until = <T>(what: string, ms: number, probe: () => T | undefined): Promise<T> =>
  poll(what, ms, probe, 200);

describe('alert truth with the shipped defaults (real lab)', () => {
  const lab = currentLab();
  const dir = mkdtempSync(join(tmpdir(), 'lookout-truth-'));
  const database = uniqueName('truth').replaceAll('-', '_');
  const topic = uniqueName('logistics.truth');
  const owner = 'logistics@example.com';
  const log = pino({ level: 'error' }, pino.destination(2));
  let stack: ShippedStack | undefined;
  let alerter: RunningAlerter;
  let pager: WebhookReceiver;
  let smtp: SmtpCatcher;
  const pages = (since: number): (Page & { atMs: number })[] =>
    pager.received.filter((r) => r.atMs >= since).map((r) => ({ ...(r.body as Page), atMs: r.atMs }));
  const firingPages = (since: number) => pages(since).filter((p) => p.status === 'firing');
  const mails = (since: number): CaughtMail[] => smtp.mails.filter((m) => m.atMs >= since);
  const describePages = (since: number): string =>
    pages(since)
      .map((p) => `${secs(p.atMs - since)} ${p.status} ${p.alerts.map((a) => a.labels.alertname).join(',')}`)
      .join('; ') || 'none';

  const healed = (): Promise<void> => waitForEveryPartitionInSync(90_000);

  /** No page from `since` for `ms`. */
  async function quietFor(since: number, ms: number): Promise<void> {
    await sleep(ms);
    expect(describePages(since)).toBe('none');
  }

  beforeAll(async () => {
    pager = await startWebhookReceiver();
    smtp = await startSmtpCatcher();
    const admin = labKafka('truth-admin').admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: false,
      topics: [{ topic, numPartitions: 3, replicationFactor: 3 }],
    });
    await admin.disconnect();
    stack = await startShippedStack(lab, {
      database,
      dir,
      pagerUrl: `http://127.0.0.1:${pager.port}/`,
      smtpPort: smtp.port,
      log,
    });
    alerter = stack.alerter;
    await until('every rule evaluating on collected data', 90_000, () =>
      alerter.engine.ruleStatus().every((s) => s.health === 'ok') &&
      alerter.engine.alerts().some((a) => a.rule === 'LookoutWatchdog')
        ? true
        : undefined,
    );
    await healed();
  }, 180_000);

  afterAll(async () => {
    for (const b of currentLab().brokers) throttleBrokerCpu(lab.dir, b.id, undefined);
    for (const b of currentLab().brokers) {
      const st = processState(b.pid, lab.dir);
      if (st === 'paused') await controlBroker(lab.dir, b.id, 'resume');
      if (st === 'gone') await controlBroker(lab.dir, b.id, 'start');
    }
    await stack?.stop();
    await Promise.allSettled([pager?.close(), smtp?.close()]);
    // Every email holds only its own tenant's names (the example catalog's payments and logistics).
    for (const m of smtp?.mails ?? []) {
      const text = `${m.subject}\n${m.text}\n${m.html}`;
      if (m.to.includes(owner)) expect(text).not.toMatch(/payments[.-]/);
      if (m.to.includes('payments-oncall@example.com')) expect(text).not.toMatch(/logistics[.-]/);
    }
    const admin = labKafka('truth-admin').admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starting up pages nobody and emails nobody', () => {
    expect(describePages(0)).toBe('none');
    expect(mails(0).map((m) => m.subject)).toEqual([]);
  });

  it(
    'a stalled consumer (members heartbeating, nothing committed, data arriving): its tenant’s ConsumerStalled email within lag_seconds + 1 min, nothing else, the resolve within 30 s of its recovery',
    { timeout: 400_000 },
    async () => {
      // payments' lag_seconds is 60 s in the example catalog.
      const stallTopic = uniqueName('payments.truth');
      const group = uniqueName('payments-truth');
      const kafka = labKafka('truth-stall');
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: stallTopic, numPartitions: 3, replicationFactor: 3 }] });
      await admin.disconnect();
      const producer: Producer = kafka.producer();
      await producer.connect();
      let producing = true;
      const produced = (async () => {
        for (let i = 0; producing; i += 1) {
          await producer.send({ topic: stallTopic, messages: [{ key: String(i), value: `order ${i}` }] });
          await sleep(100);
        }
      })();
      // A poison record: the handler keeps the member alive (heartbeats) and never returns while stalled.
      let stalled = false;
      const consumer = kafka.consumer({ groupId: group });
      await consumer.connect();
      await consumer.subscribe({ topic: stallTopic, fromBeginning: true });
      await consumer.run({
        eachMessage: async (payload) => {
          while (stalled) {
            await payload.heartbeat();
            await sleep(500);
          }
        },
      });
      try {
        await readingWithMembers(lab.influx.url, database, group);
        const t0 = Date.now();
        stalled = true;
        const told = (since: number) =>
          mails(since).filter((m) => m.to.includes('payments-oncall@example.com'));
        const mail = await until('the tenant’s stall email', 150_000, () =>
          told(t0).find((m) => m.subject.includes('ConsumerStalled')),
        );
        const fired = alerter.engine
          .alerts()
          .find((a) => a.rule === 'ConsumerStalled' && a.labels.group === group)?.firedAt;
        console.log(
          `consumer ${group} stalled: payments' email "${mail.subject}" ${secs(mail.atMs - t0)} after the stall (lag_seconds 60 s); the alert fired at ${fired === undefined ? '?' : secs(fired - t0)}; what the collector stored: ${await storedReadings(lab.influx.url, database, group, t0)}`,
        );
        expect(mail.atMs - t0).toBeLessThanOrEqual(120_000);
        expect(mail.text).toContain('committed nothing');
        expect(told(t0).map((m) => m.subject)).toEqual([mail.subject]);
        expect(describePages(t0)).toBe('none');

        stalled = false;
        const back = Date.now();
        const resolved = await until('the resolve email', 60_000, () =>
          told(back).find((m) => m.subject.includes('RESOLVED')),
        );
        console.log(`  consumer released: resolve email ${secs(resolved.atMs - back)} after it read again`);
        expect(resolved.atMs - back).toBeLessThanOrEqual(30_000);
        await sleep(30_000);
        expect(told(t0).map((m) => m.subject)).toEqual([mail.subject, resolved.subject]);
      } finally {
        stalled = false;
        producing = false;
        await produced;
        await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
        // Nothing left behind to alert on in the tests that follow, whether this one passed or not.
        const cleanup = kafka.admin();
        await cleanup.connect();
        await cleanup.deleteGroups([group]).catch(() => undefined);
        await cleanup.deleteTopics({ topics: [stallTopic] }).catch(() => undefined);
        await cleanup.disconnect();
      }
    },
  );

  it(
    'SIGKILL of the active controller: one page within 20 s naming the crash and the affected topics, the resolve within 30 s of its return, nothing late',
    { timeout: 400_000 },
    async () => {
      const controller = await storedActiveController(lab.influx.url, database);
      const t0 = Date.now();
      await controlBroker(lab.dir, controller, 'kill');
      const page = await until('the crash page', 40_000, () =>
        firingPages(t0).find((p) => p.alerts.some((a) => a.labels.alertname === 'KafkaBrokerDown')),
      );
      const toPage = page.atMs - t0;
      const down = page.alerts.find((a) => a.labels.alertname === 'KafkaBrokerDown');
      console.log(
        `crash of broker ${controller} (the active controller): first page ${secs(toPage)} after SIGKILL; affected topics: ${(down?.affected ?? []).map((r) => r.labels.topic).join(', ')}`,
      );
      expect(down?.labels.broker).toBe(String(controller));
      expect(toPage).toBeLessThanOrEqual(20_000);
      expect((down?.affected ?? []).map((r) => r.labels.topic)).toContain(topic);
      const incidentMail = await until('the tenant’s platform-incident email', 30_000, () =>
        mails(t0).find((m) => m.to.includes(owner)),
      );
      console.log(`  logistics' platform-incident email ${secs(incidentMail.atMs - t0)} after SIGKILL`);

      await sleep(Math.max(0, 30_000 - (Date.now() - t0))); // a crash that lasts half a minute
      await controlBroker(lab.dir, controller, 'start');
      const back = Date.now();
      const resolved = await until('the resolve page', 60_000, () =>
        pages(back).find((p) => p.status === 'resolved'),
      );
      console.log(
        `  broker ${controller} back: resolve page ${secs(resolved.atMs - back)} after it served again`,
      );
      expect(resolved.atMs - back).toBeLessThanOrEqual(30_000);
      const resolvedMail = await until('the tenant’s resolve email', 60_000, () =>
        mails(back).find((m) => m.to.includes(owner) && m.subject.startsWith('[RESOLVED] Platform incident')),
      );
      console.log(`  logistics' resolve email ${secs(resolvedMail.atMs - back)} after it served again`);
      expect(resolvedMail.atMs - back).toBeLessThanOrEqual(30_000);
      await healed();
      await sleep(Math.max(0, QUIET_AFTER_MS - (Date.now() - back)));
      console.log(`  pages of the incident: ${describePages(t0)}`);
      expect(firingPages(t0)).toHaveLength(1);
      const told = mails(t0).filter((m) => m.to.includes(owner));
      expect(told.length).toBeGreaterThanOrEqual(1);
      expect(told.length).toBeLessThanOrEqual(2); // the incident, and its resolve
    },
  );

  it(
    'a rolling restart of every broker by controlled shutdown, no silence: 0 pages, 0 emails',
    { timeout: 600_000 },
    async () => {
      const t0 = Date.now();
      for (const b of currentLab().brokers) {
        await controlBroker(lab.dir, b.id, 'stop');
        await controlBroker(lab.dir, b.id, 'start');
        await healed();
      }
      const took = Date.now() - t0;
      await quietFor(t0, QUIET_AFTER_MS);
      const restarting = alerter.engine.alerts().filter((a) => a.rule === 'KafkaBrokerRestarting');
      console.log(
        `rolling restart of ${currentLab().brokers.length} brokers in ${secs(took)}: pages ${describePages(t0)}, emails ${mails(t0).length}; KafkaBrokerRestarting seen for brokers ${[...new Set(restarting.map((a) => a.labels.broker))].join(', ') || '(resolved and forgotten)'}`,
      );
      expect(mails(t0).map((m) => `${m.to.join(',')}: ${m.subject}`)).toEqual([]);
    },
  );

  it(
    'SIGSTOP: one page within 20 s saying hung, not crashed; the resolve within 30 s of SIGCONT',
    { timeout: 400_000 },
    async () => {
      const victim = 3;
      const t0 = Date.now();
      await controlBroker(lab.dir, victim, 'pause');
      const page = await until('the hung page', 40_000, () =>
        firingPages(t0).find((p) => p.alerts.some((a) => a.labels.alertname === 'KafkaBrokerHung')),
      );
      console.log(
        `broker ${victim} SIGSTOPped: first page ${secs(page.atMs - t0)} after the pause (KafkaBrokerHung)`,
      );
      expect(page.atMs - t0).toBeLessThanOrEqual(20_000);
      expect(page.alerts.map((a) => a.labels.alertname)).not.toContain('KafkaBrokerDown');
      await sleep(Math.max(0, 30_000 - (Date.now() - t0)));
      await controlBroker(lab.dir, victim, 'resume');
      const back = Date.now();
      const resolved = await until('the resolve page', 60_000, () =>
        pages(back).find((p) => p.status === 'resolved'),
      );
      console.log(`  resumed: resolve page ${secs(resolved.atMs - back)} after SIGCONT`);
      expect(resolved.atMs - back).toBeLessThanOrEqual(30_000);
      await healed();
      await sleep(Math.max(0, QUIET_AFTER_MS - (Date.now() - back)));
      console.log(`  pages of the incident: ${describePages(t0)}`);
      expect(firingPages(t0)).toHaveLength(1);
    },
  );
  it(
    'a slow broker (its JVM capped at a tenth of one core): one ticket within 5 minutes naming it against its peers and its own last hour, nothing for the others',
    { timeout: 900_000 },
    async () => {
      // Its own baseline is the hour before the last 5 minutes: wait until the collector has some (this test
      // runs last, after the others' faults, so there is).
      await probeHistory(lab.influx.url, database, 6 * 60_000);
      const controller = await storedActiveController(lab.influx.url, database);
      const victim = currentLab().brokers.find((b) => b.id !== controller)?.id ?? 2;
      const t0 = Date.now();
      throttleBrokerCpu(lab.dir, victim, 0.1);
      const toOperators = (since: number) =>
        mails(since).filter((m) => m.to.includes('kafka-ops@example.com'));
      // Every alert that fired naming another broker while the victim was slow.
      const others = new Set<string>();
      const watchOthers = (): void => {
        for (const a of alerter.engine.alerts())
          if (a.phase === 'firing' && a.labels.broker !== undefined && a.labels.broker !== String(victim))
            others.add(`${a.rule}/${a.labels.broker}`);
      };
      let ticket: CaughtMail;
      try {
        ticket = await until('the slow-broker ticket', 360_000, () => {
          watchOthers();
          return toOperators(t0).find((m) => /FIRING ticket\] KafkaSlowBroker/.test(m.subject));
        });
        console.log(
          `broker ${victim} capped at 0.1 CPU: "${ticket.subject}" ${secs(ticket.atMs - t0)} after the cap; pages: ${describePages(t0)}; alerts on other brokers: ${[...others].join(', ') || 'none'}`,
        );
        console.log(`  ${ticket.text.split('\n').find((l) => l.includes('cluster median')) ?? ticket.text}`);
        expect(ticket.atMs - t0).toBeLessThanOrEqual(300_000);
        expect(ticket.subject).toContain(`: ${victim} (lab)`);
        expect(ticket.text).toMatch(/in the hour before the last 5 minutes it averaged \d/);
        expect([...others]).toEqual([]);
        // A page only if the probe's SLO broke on the slow broker, never for another.
        for (const p of firingPages(t0))
          for (const a of p.alerts) expect(a.labels.broker ?? String(victim)).toBe(String(victim));
        expect(
          toOperators(t0).filter(
            (m) => m.subject.includes('FIRING ticket') && !m.subject.includes(`: ${victim} (lab)`),
          ),
        ).toEqual([]);
      } finally {
        throttleBrokerCpu(lab.dir, victim, undefined);
      }
      const back = Date.now();
      const resolved = await until('the ticket’s resolve', 240_000, () =>
        toOperators(back).find(
          (m) => m.subject.includes('RESOLVED') && m.subject.includes('KafkaSlowBroker'),
        ),
      );
      console.log(`  cap removed: "${resolved.subject}" ${secs(resolved.atMs - back)} later`);
      expect(resolved.atMs - back).toBeLessThanOrEqual(30_000);
      // Nothing more about a broker that is fast again: its 2-minute averages (and Kafka's own percentiles) still
      // remember the slowness for a while, and no other slow-broker rule may ticket on that memory.
      await healed();
      await sleep(Math.max(0, QUIET_AFTER_MS - (Date.now() - back)));
      const late = toOperators(back).filter((m) => m.subject.includes('FIRING'));
      console.log(`  after the resolve: ${late.map((m) => m.subject).join('; ') || 'no ticket'}`);
      expect(late).toEqual([]);
    },
  );
});

/** Waits until the collector's probe points reach back `ms`. */
async function probeHistory(influxUrl: string, database: string, ms: number): Promise<void> {
  const q = `SELECT count("sent") FROM "probe" WHERE time < now() - ${Math.round(ms / 1000)}s`;
  for (;;) {
    const res = await fetch(`${influxUrl}/query?db=${database}&q=${encodeURIComponent(q)}`);
    const body = (await res.json()) as { results: { series?: { values: [string, number][] }[] }[] };
    if ((body.results[0]?.series?.[0]?.values[0]?.[1] ?? 0) > 0) return;
    await sleep(5_000);
  }
}

/**
 * What the collector stored for `group` since `sinceMs`, a reading a cycle: seconds after `sinceMs`, lag in
 * seconds, commit age and interval, members (what ConsumerStalled reads), for the test's log.
 */
async function storedReadings(
  influxUrl: string,
  database: string,
  group: string,
  sinceMs: number,
): Promise<string> {
  const q = `SELECT "lag_seconds_max", "commit_age_s", "commit_interval_s", "members" FROM "consumer_group" WHERE time >= ${sinceMs}ms AND "group" = '${group}'`;
  const res = await fetch(`${influxUrl}/query?db=${database}&epoch=ms&q=${encodeURIComponent(q)}`);
  const body = (await res.json()) as {
    results: { series?: { values: [number, ...(number | null)[]][] }[] }[];
  };
  const rows = body.results[0]?.series?.[0]?.values ?? [];
  const n = (v: number | null | undefined): string => (v == null ? '-' : String(Math.round(v)));
  return (
    rows
      .map(
        ([t, lag, age, interval, members]) =>
          `${Math.round((t - sinceMs) / 1000)}s lag ${n(lag)} age ${n(age)}/${n(interval)} members ${n(members)}`,
      )
      .join('; ') || 'nothing'
  );
}

/** Waits until the collector has stored the group with members and its lag in seconds under 10 s. */
async function readingWithMembers(influxUrl: string, database: string, group: string): Promise<void> {
  const q = `SELECT last("members") AS "members", last("lag_seconds_max") AS "lag" FROM "consumer_group" WHERE time > now() - 30s AND "group" = '${group}'`;
  for (let i = 0; i < 120; i += 1) {
    const res = await fetch(`${influxUrl}/query?db=${database}&q=${encodeURIComponent(q)}`);
    const body = (await res.json()) as { results: { series?: { values: [string, number, number][] }[] }[] };
    const [, members = 0, lag = Infinity] = body.results[0]?.series?.[0]?.values[0] ?? [];
    if (members > 0 && lag < 10) return;
    await sleep(1_000);
  }
  throw new Error(`the collector did not store ${group} reading with members`);
}
