import type { Logger } from 'pino';
import type { TrackedAlert } from '../../rules/src/alert.ts';
import { notifySchema } from './config.ts';
import type { AlerterSetup, NotifyConfig } from './config.ts';
import type { SelfProblem } from './engine/self-alerts.ts';
import type { Delivery, DeliveryEvents } from './notify/delivery.ts';
import { deliveryOf, failingQueues } from './notify/delivery-setup.ts';
import type { Queued } from './notify/notification.ts';
import { dispatcherOptions } from './route/config.ts';
import { Dispatcher, ownedBy } from './route/dispatch.ts';
import type { Mute, Placement } from './route/group.ts';
import { matchesAll } from './route/matchers.ts';
import { SilenceBook } from './route/silence-book.ts';
import { newSilence } from './route/silences.ts';
import type { Silence, silenceInputSchema } from './route/silences.ts';
import type { NotifyStore } from './store/notify.ts';
import type { TenantsSource } from './tenants-source.ts';
import type { z } from 'zod';

/**
 * Routing and delivery of one alerter: dispatches the engine's alerts (after each evaluation and on a tick,
 * so group waits expire on time), keeps silences, and delivers the outbox.
 */
export class Notifier {
  readonly config: NotifyConfig;
  private readonly dispatcher: Dispatcher;
  private readonly delivery: Delivery;
  private readonly closeSenders: () => void;
  private readonly book: SilenceBook;
  private readonly ruleNames: readonly string[];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    setup: AlerterSetup,
    store: NotifyStore,
    private readonly tenants: TenantsSource,
    private readonly alerts: () => TrackedAlert[],
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
    /** Delivery's events (for /metrics) and the base of the links notifications carry. */
    options: { deliveryEvents?: DeliveryEvents; publicUrl?: string } = {},
  ) {
    const deliveryEvents = options.deliveryEvents ?? {};
    this.config = setup.config.notify ?? notifySchema.parse({});
    this.ruleNames = setup.rules.map((r) => r.alert);
    this.dispatcher = new Dispatcher(dispatcherOptions(this.config, options.publicUrl), store);
    const { delivery, close } = deliveryOf(this.config, setup.secrets, store, log, clock, deliveryEvents);
    this.delivery = delivery;
    this.closeSenders = close;
    this.book = new SilenceBook(store);
  }

  /** Per receiver: the notifications waiting to be delivered, and when the oldest was made. */
  backlog(): ReturnType<Delivery['backlog']> {
    return this.delivery.backlog();
  }

  /** Starts delivering what is queued (from before a restart too) and the dispatch tick. */
  start(): void {
    this.delivery.start();
    this.timer = setInterval(() => this.dispatch(this.clock()), this.config.tick);
  }

  /** One dispatch now; what it queued. */
  dispatch(nowMs: number): Queued[] {
    const { ownership } = this.tenants.current();
    const queued = this.dispatcher.dispatch(this.alerts(), this.book.all(), ownership, nowMs);
    if (queued.length > 0) this.delivery.add(queued);
    return queued;
  }

  /** Why each muted alert is muted (silence or inhibition), as of the last dispatch. */
  muted(): ReadonlyMap<string, Mute> {
    return this.dispatcher.muted();
  }

  silences(): Silence[] {
    return this.book.all();
  }

  /** The groups an alert goes to now (the route stage's answer). */
  placements(a: TrackedAlert): Placement[] {
    return this.dispatcher.placements(a, this.tenants.current().ownership);
  }

  /**
   * What a silence would mute if made now: the alerts (pending and firing) its matchers match, owner included,
   * and why it would be refused, if it would.
   */
  previewSilence(input: z.output<typeof silenceInputSchema>): { matches: TrackedAlert[]; refused?: string } {
    const owned = ownedBy(this.tenants.current().ownership);
    const matches = this.alerts().filter(
      (a) => a.phase !== 'resolved' && matchesAll(input.matchers, owned(a)),
    );
    try {
      newSilence(input, this.clock(), this.vocabulary());
      return { matches };
    } catch (err) {
      return { matches, refused: (err as Error).message };
    }
  }

  /** The values `alertname` takes: the rules' names and the alerts' (the engine's own too). */
  private vocabulary(): { alertname: string[] } {
    return { alertname: [...new Set([...this.ruleNames, ...this.alerts().map((a) => a.rule)])] };
  }

  addSilence(input: z.output<typeof silenceInputSchema>): Silence {
    const s = this.book.add(input, this.clock(), this.vocabulary());
    this.log.info({ id: s.id, by: s.createdBy, ends: new Date(s.endsAtMs).toISOString() }, 'silence added');
    this.dispatch(this.clock());
    return s;
  }

  /** Ends a silence now; undefined when there is no such silence, the silence when it had already ended. */
  expireSilence(id: string, by: string): Silence | undefined {
    const ended = this.book.expire(id, this.clock());
    if (ended === undefined || ended.expired) return ended?.silence;
    this.log.info({ id, by }, 'silence expired');
    this.dispatch(this.clock());
    return ended.silence;
  }

  /** LookoutNotificationsFailing for each queue whose oldest notification keeps failing. */
  problems(): SelfProblem[] {
    return failingQueues(this.delivery, this.config.delivery.failing_after, this.clock());
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.delivery.stop();
    this.closeSenders();
  }
}
