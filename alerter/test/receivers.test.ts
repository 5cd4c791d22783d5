import { createAlerterMetrics } from '../src/self-metrics.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertmanager } from '../../lab/src/alertmanager.ts';
import { startSmtpCatcher, startWebhookReceiver } from '../../lab/src/catchers.ts';
import type { SmtpCatcher, WebhookReceiver } from '../../lab/src/catchers.ts';
import { freePorts } from '../../lab/src/ports.ts';
import { alertmanagerSender } from '../src/notify/alertmanager.ts';
import { Delivery } from '../src/notify/delivery.ts';
import { DeliveryError } from '../src/notify/sender.ts';
import type { Sender } from '../src/notify/sender.ts';
import type { Notification } from '../src/notify/notification.ts';
import { smtpSender } from '../src/notify/smtp.ts';
import { webhookSender } from '../src/notify/webhook.ts';
import { NotifyStore } from '../src/store/notify.ts';

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
async function until<T>(what: string, ms: number, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const at = Date.UTC(2026, 10, 23, 12, 0);
function lagNotification(extra: Partial<Notification> = {}): Notification {
  return {
    receiver: 'tenants',
    queue: 'tenants/shop',
    groupKey: 'k',
    incidentKey: '0123456789abcdef0123456789abcdef',
    kind: 'alerts',
    status: 'firing',
    groupLabels: { alertname: 'ConsumerLagHigh', cluster: 'lab', group: 'shop-orders', tenant: 'shop' },
    tenant: 'shop',
    to: ['shop@example.com', 'oncall@shop.example'],
    alerts: [
      {
        fingerprint: 'f1',
        status: 'firing',
        labels: { alertname: 'ConsumerLagHigh', severity: 'ticket', cluster: 'lab', group: 'shop-orders' },
        annotations: {
          summary: 'Group shop-orders (lab) is 96.2 s behind',
          description: 'Lag above 30 s for 2m <and growing>',
          runbook: 'docs/runbooks.md#consumerlaghigh',
          dashboard: '/d/lookout-consumers?var-group=shop-orders',
        },
        severity: 'ticket',
        value: 96.2,
        startsAtMs: at,
        affected: [{ labels: { topic: 'shop.orders' }, value: 1200 }],
      },
    ],
    suppressed: [],
    createdAtMs: at,
    links: { alerter: 'http://lookout.example:9310', grafana: 'http://grafana.example:3000' },
    ...extra,
  };
}

/** A sender to a plain SMTP server on this machine. */
const localSmtp = (port: number) =>
  smtpSender({
    host: '127.0.0.1',
    port,
    secure: false,
    requireTls: false,
    from: 'lookout@example.com',
    timeoutMs: 5_000,
  });

describe('email through nodemailer to a real SMTP server', () => {
  let smtp: SmtpCatcher;
  beforeAll(async () => {
    smtp = await startSmtpCatcher();
  });
  afterAll(() => smtp.close());

  it('sends text and HTML with severity and object in the subject and the evidence in the body', async () => {
    const sender = localSmtp(smtp.port);
    await sender.send(lagNotification(), 7);
    sender.close();
    const mail = await until('the mail', 5_000, () => smtp.mails[0]);
    expect(mail.to).toEqual(['shop@example.com', 'oncall@shop.example']);
    expect(mail.subject).toBe('[FIRING ticket] ConsumerLagHigh: shop-orders (lab)');
    expect(mail.text).toContain('Group shop-orders (lab) is 96.2 s behind');
    expect(mail.text).toContain('topic shop.orders: 1200');
    expect(mail.text).toContain('Owner: shop');
    expect(mail.text).toContain('Runbook: http://lookout.example:9310/docs/runbooks.md#consumerlaghigh');
    expect(mail.text).toContain(
      'Dashboard: http://grafana.example:3000/d/lookout-consumers?var-group=shop-orders',
    );
    expect(mail.html).toContain('&lt;and growing&gt;');
    expect(mail.html).toContain('<li>topic shop.orders: 1200</li>');
    expect(mail.headers.get('x-lookout-incident')).toBe('0123456789abcdef0123456789abcdef');
    expect(mail.messageId).toBe('<0123456789abcdef0123456789abcdef.7@lookout>');
  });

  it('an incident email names only the incident and the tenant’s own topics; resolved says it is over', async () => {
    smtp.mails.length = 0;
    const sender = localSmtp(smtp.port);
    const incident = lagNotification({
      kind: 'incident',
      groupLabels: { alertname: 'KafkaBrokerDown', cluster: 'lab' },
      alerts: [
        {
          fingerprint: 's',
          status: 'firing',
          labels: { alertname: 'KafkaBrokerDown' },
          annotations: { summary: 'Broker 2 of lab is not in the cluster metadata' },
          severity: 'page',
          value: 0,
          startsAtMs: at,
        },
      ],
      incident: {
        summary: 'Broker 2 of lab is not in the cluster metadata',
        cluster: 'lab',
        topics: [{ labels: { topic: 'shop.orders' }, value: 4 }],
        held: [
          {
            alertname: 'ConsumerLagHigh',
            labels: { group: 'shop-orders' },
            summary: 'Group shop-orders (lab) is 40 s behind',
          },
        ],
      },
    });
    await sender.send(incident, 1);
    await sender.send(
      { ...incident, status: 'resolved', alerts: incident.alerts.map((a) => ({ ...a, status: 'resolved' })) },
      2,
    );
    sender.close();
    const [first, second] = await until('two mails', 5_000, () =>
      smtp.mails.length >= 2 ? smtp.mails : undefined,
    );
    expect(first?.subject).toBe(
      '[FIRING] Platform incident on lab: Broker 2 of lab is not in the cluster metadata',
    );
    expect(first?.text).toContain('topic shop.orders: 4');
    expect(first?.text).toContain('ConsumerLagHigh: Group shop-orders (lab) is 40 s behind');
    expect(second?.subject).toMatch(/^\[RESOLVED\] Platform incident on lab/);
    expect(second?.text).toContain('The platform incident is over');
  });

  it('a refused connection is told apart from other failures', async () => {
    const [port] = await freePorts(1);
    const sender = localSmtp(port ?? 1);
    const err = await sender.send(lagNotification(), 1).catch((e: unknown) => e);
    sender.close();
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).kind).toBe('refused');
  });
});

describe('webhooks to a real HTTP receiver', () => {
  let hook: WebhookReceiver;
  beforeAll(async () => {
    hook = await startWebhookReceiver();
  });
  afterAll(() => hook.close());

  it('posts the documented payload and the PagerDuty v2 event', async () => {
    await webhookSender({ url: hook.url, format: 'lookout', timeoutMs: 2_000 }).send(lagNotification(), 3);
    await webhookSender({ url: hook.url, format: 'pagerduty', routingKey: 'R0UT1NG', timeoutMs: 2_000 }).send(
      lagNotification(),
      4,
    );
    await webhookSender({ url: hook.url, format: 'pagerduty', routingKey: 'R0UT1NG', timeoutMs: 2_000 }).send(
      lagNotification({ status: 'resolved' }),
      5,
    );
    const [lookout, trigger, resolve] = hook.received.map((r) => r.body as Record<string, unknown>);
    expect(lookout).toMatchObject({
      version: '1',
      notificationId: 3,
      incidentKey: '0123456789abcdef0123456789abcdef',
      status: 'firing',
      tenant: 'shop',
    });
    expect((lookout?.alerts as { startsAt: string }[])[0]?.startsAt).toBe('2026-11-23T12:00:00.000Z');
    expect(hook.received[0]?.headers['idempotency-key']).toBe('0123456789abcdef0123456789abcdef-3');
    expect(trigger).toMatchObject({
      routing_key: 'R0UT1NG',
      event_action: 'trigger',
      dedup_key: '0123456789abcdef0123456789abcdef',
      payload: { summary: 'Group shop-orders (lab) is 96.2 s behind', severity: 'warning', source: 'lab' },
    });
    expect(resolve).toEqual({
      routing_key: 'R0UT1NG',
      event_action: 'resolve',
      dedup_key: '0123456789abcdef0123456789abcdef',
    });
  });

  it('classifies answers: 429/503 with Retry-After, 5xx retried, 4xx permanent', async () => {
    const send = () =>
      webhookSender({ url: hook.url, format: 'lookout', timeoutMs: 2_000 })
        .send(lagNotification(), 1)
        .catch((e: unknown) => e as DeliveryError);
    hook.failNext(1, 429, '7');
    expect(await send()).toMatchObject({ kind: 'retry', retryAfterMs: 7_000 });
    hook.failNext(1, 500);
    expect(await send()).toMatchObject({ kind: 'retry', retryAfterMs: undefined });
    hook.failNext(1, 400);
    expect(await send()).toMatchObject({ kind: 'permanent' });
  });
});

describe('delivery from the durable outbox', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-delivery-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('honours Retry-After, then delivers once; a dead queue never delays another', async () => {
    const hook = await startWebhookReceiver();
    const store = new NotifyStore(join(dir, 'a.db'));
    const stuck: Sender = { send: () => Promise.reject(new DeliveryError('mailbox down', 'retry')) };
    const metrics = createAlerterMetrics();
    const delivery = new Delivery(
      store,
      new Map<string, Sender>([
        ['oncall', webhookSender({ url: hook.url, format: 'lookout', timeoutMs: 2_000 })],
        ['tenants', stuck],
      ]),
      { initialBackoffMs: 50, maxBackoffMs: 5_000, jitter: 0.2, reconnectEveryMs: 50 },
      metrics.deliveryEvents,
    );
    metrics.watchBacklog(() => delivery.backlog(), Date.now);
    hook.failNext(1, 503, '1');
    const now = Date.now();
    const queued = store.commit({
      enqueue: [
        lagNotification({ createdAtMs: now }),
        lagNotification({
          receiver: 'oncall',
          queue: 'oncall',
          incidentKey: 'page-1',
          tenant: undefined,
          createdAtMs: now,
        }),
      ],
      upsert: [],
      remove: [],
    });
    delivery.add(queued);
    const got = await until('the page', 5_000, () =>
      hook.received.find((r) => (r.body as { incidentKey: string }).incidentKey === 'page-1'),
    );
    expect(got.atMs - now).toBeGreaterThanOrEqual(1_000); // waited as told
    await sleep(300);
    // The alerter's /metrics: what each receiver took, retried and still holds, and how old the oldest is.
    const exposed = await metrics.registry.metrics();
    const value = (line: string): number => Number(new RegExp(`^${line} (\\S+)$`, 'm').exec(exposed)?.[1]);
    expect(value('lookout_alerter_notifications_sent_total\\{receiver="oncall"\\}')).toBe(1);
    expect(value('lookout_alerter_notifications_retried_total\\{receiver="oncall"\\}')).toBe(1);
    expect(
      value('lookout_alerter_notifications_retried_total\\{receiver="tenants"\\}'),
    ).toBeGreaterThanOrEqual(2);
    expect(exposed).not.toMatch(/notifications_sent_total\{receiver="tenants"\}/);
    expect(value('lookout_alerter_notifications_queued\\{receiver="tenants"\\}')).toBe(1);
    expect(exposed).not.toMatch(/notifications_queued\{receiver="oncall"\}/);
    expect(value('lookout_alerter_outbox_oldest_seconds\\{receiver="tenants"\\}')).toBeGreaterThanOrEqual(1);
    await delivery.stop();
    expect(hook.received).toHaveLength(1);
    const rows = store.outbox();
    expect(rows.find((r) => r.queue === 'oncall')).toMatchObject({
      attempts: 2,
      lastError: 'HTTP 503: try later',
    });
    expect(rows.find((r) => r.queue === 'oncall')?.deliveredMs).toBeTypeOf('number');
    const mail = rows.find((r) => r.queue === 'tenants/shop');
    expect(mail?.deliveredMs).toBeUndefined();
    expect(mail?.attempts).toBeGreaterThanOrEqual(2);
    store.close();
    await hook.close();
  });
});

describe('forwarding to a real Alertmanager 0.25', () => {
  it('posts to /api/v2/alerts; Alertmanager routes it on and takes the resolve', async () => {
    const hook = await startWebhookReceiver();
    const am = await startAlertmanager(hook.url);
    try {
      const sender = alertmanagerSender({ url: am.url, timeoutMs: 5_000 });
      const n = lagNotification();
      await sender.send(n, 1);
      const listed = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as {
        labels: Record<string, string>;
        status: { state: string };
      }[];
      expect(listed.map((a) => [a.labels.alertname, a.labels.group, a.status.state])).toEqual([
        ['ConsumerLagHigh', 'shop-orders', 'active'],
      ]);
      const fired = await until('Alertmanager to notify', 10_000, () => hook.received[0]);
      expect(fired.body).toMatchObject({
        status: 'firing',
        alerts: [{ labels: { alertname: 'ConsumerLagHigh' } }],
      });
      await sender.send(
        {
          ...n,
          status: 'resolved',
          alerts: n.alerts.map((a) => ({ ...a, status: 'resolved', endsAtMs: Date.now() - 1_000 })),
        },
        2,
      );
      const after = (await (await fetch(`${am.url}/api/v2/alerts?active=true`)).json()) as unknown[];
      expect(after).toEqual([]);
    } finally {
      await am.stop();
      await hook.close();
    }
  });
});
