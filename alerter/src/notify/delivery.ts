import type { Queued } from './notification.ts';
import { DeliveryError } from './sender.ts';
import type { Sender } from './sender.ts';

/** How failed deliveries are retried. */
export interface RetryPolicy {
  /** The first retry's delay; each next one doubles, up to `maxBackoffMs`, ± `jitter` of it. */
  initialBackoffMs: number;
  maxBackoffMs: number;
  jitter: number;
  /** A refused connection (nothing listens) is retried this often: it costs nothing and catches recovery at once. */
  reconnectEveryMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  initialBackoffMs: 1_000,
  maxBackoffMs: 5 * 60_000,
  jitter: 0.2,
  reconnectEveryMs: 500,
};

/** The delay before attempt `attempts + 1`, given why the last one failed. */
export function retryDelay(
  err: DeliveryError,
  attempts: number,
  policy: RetryPolicy,
  random: () => number,
): number {
  if (err.retryAfterMs !== undefined) return Math.min(err.retryAfterMs, policy.maxBackoffMs);
  if (err.kind === 'refused') return policy.reconnectEveryMs;
  const base = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** Math.max(0, attempts - 1));
  return Math.max(0, base * (1 + policy.jitter * (2 * random() - 1)));
}

/** What became of one delivery attempt. */
export type Outcome =
  | { id: number; kind: 'delivered'; atMs: number }
  | { id: number; kind: 'retry'; dueMs: number; error: string }
  | { id: number; kind: 'failed'; atMs: number; error: string };

/** The outbox as delivery sees it. */
export interface OutboxPort {
  /** Every notification not yet delivered nor given up, oldest first. */
  pending(): Queued[];
  /** Records outcomes, all in one transaction. */
  settle(outcomes: readonly Outcome[]): void;
}

/** What delivery tells the outside (logs, metrics, tests). */
export interface DeliveryEvents {
  delivered?(q: Queued, atMs: number): void;
  failed?(q: Queued, error: DeliveryError, willRetry: boolean): void;
}

/**
 * Delivers the outbox: one queue per receiver (and per tenant for tenant email), all side by side, so a dead
 * mailbox never delays the pager. Within a queue up to `concurrency` notifications are in flight, never two of
 * one incident: an incident's notifications go in order (its firing before its resolve). A notification is
 * marked delivered only after its receiver accepted it (at least once). The pending notifications are kept in
 * memory (loaded from the outbox at start, added as the dispatcher queues them); each outcome is written to the
 * outbox as it happens.
 */
export class Delivery {
  private readonly queues = new Map<string, Queued[]>();
  private readonly inFlight = new Map<string, Set<number>>();
  private readonly running = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private outcomes: Outcome[] = [];
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly outbox: OutboxPort,
    private readonly senders: ReadonlyMap<string, Sender>,
    private readonly policy: RetryPolicy = defaultRetryPolicy,
    private readonly events: DeliveryEvents = {},
    private readonly clock: () => number = Date.now,
    private readonly random: () => number = Math.random,
    private readonly concurrency = 32,
    private readonly flushMs = 20,
  ) {}

  /** Loads what the outbox still holds (from before a restart too) and starts delivering it. */
  start(): void {
    this.add(this.outbox.pending());
  }

  /** Takes newly queued notifications and delivers what is due. */
  add(queued: readonly Queued[]): void {
    for (const q of queued) {
      const list = this.queues.get(q.notification.queue) ?? [];
      list.push(q);
      this.queues.set(q.notification.queue, list);
    }
    this.kick();
  }

  /** Per receiver: how many notifications wait (due or retrying), and when the oldest of them was made. */
  backlog(): { receiver: string; queued: number; oldestCreatedAtMs: number }[] {
    const by = new Map<string, { receiver: string; queued: number; oldestCreatedAtMs: number }>();
    for (const list of this.queues.values())
      for (const q of list) {
        const { receiver, createdAtMs } = q.notification;
        const b = by.get(receiver) ?? { receiver, queued: 0, oldestCreatedAtMs: createdAtMs };
        b.queued += 1;
        b.oldestCreatedAtMs = Math.min(b.oldestCreatedAtMs, createdAtMs);
        by.set(receiver, b);
      }
    return [...by.values()];
  }

  /** The oldest pending notification of every queue (for health: is a queue stuck?). */
  oldest(): Queued[] {
    return [...this.queues.values()].flatMap((l) => (l[0] === undefined ? [] : [l[0]]));
  }

  /** Starts every due delivery the limits allow, and sets the timer for the next one. */
  private kick(): void {
    if (this.stopped) return;
    const now = this.clock();
    let next = Infinity;
    for (const [queue, list] of this.queues) {
      const flying = this.inFlight.get(queue) ?? new Set<number>();
      this.inFlight.set(queue, flying);
      const blocked = new Set<string>();
      for (const q of list) {
        if (flying.size >= this.concurrency) break;
        const key = q.notification.incidentKey;
        if (blocked.has(key)) continue;
        blocked.add(key);
        if (flying.has(q.id)) continue;
        if (q.dueMs > now) {
          next = Math.min(next, q.dueMs);
          continue;
        }
        flying.add(q.id);
        const p = this.deliver(q).finally(() => {
          flying.delete(q.id);
          this.running.delete(p);
          this.kick();
        });
        this.running.add(p);
      }
    }
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (Number.isFinite(next)) this.timer = setTimeout(() => this.kick(), Math.max(5, next - now));
  }

  private done(q: Queued): void {
    const list = this.queues.get(q.notification.queue);
    const i = list?.indexOf(q) ?? -1;
    if (list !== undefined && i >= 0) list.splice(i, 1);
    if (list?.length === 0) this.queues.delete(q.notification.queue);
  }

  private async deliver(q: Queued): Promise<void> {
    const sender = this.senders.get(q.notification.receiver);
    try {
      if (sender === undefined)
        throw new DeliveryError(`no receiver named ${q.notification.receiver}`, 'permanent');
      await sender.send(q.notification, q.id);
    } catch (err) {
      const e = err instanceof DeliveryError ? err : new DeliveryError((err as Error).message, 'retry');
      q.attempts += 1;
      q.lastError = e.message;
      if (e.kind === 'permanent') {
        this.record({ id: q.id, kind: 'failed', atMs: this.clock(), error: e.message });
        this.done(q);
      } else {
        q.dueMs = this.clock() + retryDelay(e, q.attempts, this.policy, this.random);
        this.record({ id: q.id, kind: 'retry', dueMs: q.dueMs, error: e.message });
      }
      this.events.failed?.(q, e, e.kind !== 'permanent');
      return;
    }
    this.record({ id: q.id, kind: 'delivered', atMs: this.clock() });
    this.done(q);
    this.events.delivered?.(q, this.clock());
  }

  /**
   * Outcomes are written together every `flushMs` (one transaction, one fsync, however many deliveries
   * finished): a kill -9 in between only makes the last ones be sent again (at least once).
   */
  private record(o: Outcome): void {
    this.outcomes.push(o);
    if (this.flushTimer === undefined) this.flushTimer = setTimeout(() => this.flush(), this.flushMs);
  }

  private flush(): void {
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.outcomes.length === 0) return;
    const batch = this.outcomes;
    this.outcomes = [];
    this.outbox.settle(batch);
  }

  /** Stops taking new work and waits for deliveries in flight (their outcomes are still recorded). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await Promise.allSettled([...this.running]);
    this.flush();
  }
}
