import type { Logger } from 'pino';
import type { TrackedAlert } from '../../rules/src/alert.ts';
import type { AlerterSetup } from './config.ts';
import type { SelfProblem } from './engine/self-alerts.ts';
import { alertmanagerSender } from './notify/alertmanager.ts';
import { defaultRoute, notifySchema } from './notify/config.ts';
import type { NotifyConfig } from './notify/config.ts';
import { Delivery } from './notify/delivery.ts';
import type { Sender } from './notify/http-post.ts';
import type { Queued } from './notify/notification.ts';
import { smtpSender } from './notify/smtp.ts';
import { webhookSender } from './notify/webhook.ts';
import { Dispatcher } from './route/dispatch.ts';
import type { Mute, ReceiverAddressing } from './route/dispatch.ts';
import { newSilence, silenceState } from './route/silences.ts';
import type { Silence, silenceInputSchema } from './route/silences.ts';
import { buildTree } from './route/tree.ts';
import type { NotifyStore } from './store/notify.ts';
import type { TenantsSource } from './tenants-source.ts';
import type { z } from 'zod';

/** The senders of a config's receivers (one per receiver; email receivers share the SMTP transport). */
function sendersOf(
  config: NotifyConfig,
  secrets: AlerterSetup['secrets'],
): { senders: Map<string, Sender>; close: () => void } {
  const senders = new Map<string, Sender>();
  const smtp =
    config.smtp === undefined
      ? undefined
      : smtpSender({
          host: config.smtp.host,
          port: config.smtp.port,
          secure: config.smtp.secure,
          requireTls: config.smtp.require_tls,
          ...(config.smtp.username === undefined ? {} : { username: config.smtp.username }),
          ...(secrets.smtpPassword === undefined ? {} : { password: secrets.smtpPassword }),
          from: config.smtp.from,
          timeoutMs: config.smtp.timeout,
        });
  for (const [name, r] of Object.entries(config.receivers)) {
    if ('webhook' in r)
      senders.set(
        name,
        webhookSender({
          url: r.webhook.url,
          format: r.webhook.format,
          timeoutMs: r.webhook.timeout,
          ...(secrets.routingKeys[name] === undefined ? {} : { routingKey: secrets.routingKeys[name] }),
        }),
      );
    else if ('alertmanager' in r)
      senders.set(name, alertmanagerSender({ url: r.alertmanager.url, timeoutMs: r.alertmanager.timeout }));
    else if (smtp !== undefined) senders.set(name, smtp);
  }
  return { senders, close: () => smtp?.close() };
}

/**
 * Routing and delivery of one alerter: dispatches the engine's alerts (after each evaluation and on a tick,
 * so group waits expire on time), keeps silences, and delivers the outbox.
 */
export class Notifier {
  readonly config: NotifyConfig;
  private readonly dispatcher: Dispatcher;
  private readonly delivery: Delivery;
  private readonly closeSenders: () => void;
  private silenceList: Silence[];
  private readonly ruleNames: readonly string[];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    setup: AlerterSetup,
    private readonly store: NotifyStore,
    private readonly tenants: TenantsSource,
    private readonly alerts: () => TrackedAlert[],
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
  ) {
    this.config = setup.config.notify ?? notifySchema.parse({});
    this.ruleNames = setup.rules.map((r) => r.alert);
    const c = this.config;
    const receivers = new Map<string, ReceiverAddressing>();
    for (const [name, r] of Object.entries(c.receivers))
      receivers.set(
        name,
        'email' in r
          ? r.email.to === 'owner'
            ? { perTenant: true }
            : { perTenant: false, to: r.email.to }
          : { perTenant: false },
      );
    const incidentReceiver =
      c.incidents.receiver ?? (receivers.get('tenants')?.perTenant === true ? 'tenants' : undefined);
    this.dispatcher = new Dispatcher(
      {
        tree: buildTree(c.route ?? defaultRoute(c.receivers)),
        inhibit: c.inhibit,
        receivers,
        ...(incidentReceiver === undefined ? {} : { incidentReceiver }),
        incidentTiming: {
          group_by: ['alertname', 'cluster'],
          group_wait: c.incidents.group_wait,
          group_interval: c.incidents.group_wait,
          repeat_interval: c.incidents.repeat_interval,
        },
        links: {
          ...(c.links.alerter === undefined ? {} : { alerter: c.links.alerter }),
          ...(c.links.grafana === undefined ? {} : { grafana: c.links.grafana }),
        },
      },
      store,
    );
    const { senders, close } = sendersOf(c, setup.secrets);
    this.closeSenders = close;
    this.delivery = new Delivery(
      store,
      senders,
      {
        initialBackoffMs: c.delivery.initial_backoff,
        maxBackoffMs: c.delivery.max_backoff,
        jitter: c.delivery.jitter,
        reconnectEveryMs: c.delivery.reconnect_every,
      },
      {
        delivered: (q) =>
          log.info(
            {
              id: q.id,
              queue: q.notification.queue,
              status: q.notification.status,
              incident: q.notification.incidentKey,
            },
            'notification delivered',
          ),
        failed: (q, err, retry) =>
          log.warn(
            { id: q.id, queue: q.notification.queue, attempt: q.attempts + 1, error: err.message, retry },
            'notification failed',
          ),
      },
      clock,
    );
    this.silenceList = store.silences();
  }

  /** Starts delivering what is queued (from before a restart too) and the dispatch tick. */
  start(): void {
    this.delivery.start();
    this.timer = setInterval(() => this.dispatch(this.clock()), this.config.tick);
  }

  /** One dispatch now; what it queued. */
  dispatch(nowMs: number): Queued[] {
    this.tenants.poll();
    const queued = this.dispatcher.dispatch(
      this.alerts(),
      this.silenceList,
      this.tenants.current().ownership,
      nowMs,
    );
    if (queued.length > 0) this.delivery.add(queued);
    return queued;
  }

  /** Why each muted alert is muted (silence or inhibition), as of the last dispatch. */
  muted(): ReadonlyMap<string, Mute> {
    return this.dispatcher.muted();
  }

  silences(): Silence[] {
    return this.silenceList;
  }

  addSilence(input: z.output<typeof silenceInputSchema>): Silence {
    const s = newSilence(input, this.clock(), {
      alertname: [...new Set([...this.ruleNames, ...this.alerts().map((a) => a.rule)])],
    });
    this.store.putSilence(s);
    this.silenceList = this.store.silences();
    this.log.info({ id: s.id, by: s.createdBy, ends: new Date(s.endsAtMs).toISOString() }, 'silence added');
    this.dispatch(this.clock());
    return s;
  }

  /** Ends a silence now; undefined when there is no such silence, the silence when it had already ended. */
  expireSilence(id: string, by: string): Silence | undefined {
    const s = this.silenceList.find((x) => x.id === id);
    if (s === undefined) return undefined;
    const now = this.clock();
    if (silenceState(s, now) === 'expired') return s;
    const ended: Silence = { ...s, endsAtMs: now };
    this.store.putSilence(ended);
    this.silenceList = this.store.silences();
    this.log.info({ id, by }, 'silence expired');
    this.dispatch(now);
    return ended;
  }

  /** Queues whose oldest notification keeps failing. */
  problems(): SelfProblem[] {
    const now = this.clock();
    return this.delivery
      .oldest()
      .filter((q) => q.attempts > 0 && now - q.notification.createdAtMs >= this.config.delivery.failing_after)
      .map((q) => ({
        alert: 'LookoutNotificationsFailing',
        labels: { queue: q.notification.queue },
        error: q.lastError ?? 'failing',
      }));
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.delivery.stop();
    this.closeSenders();
  }
}
