import type { Queued } from './notification.ts';
import { DeliveryError } from './http-post.ts';
import type { Sender } from './http-post.ts';

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

/** The outbox as delivery sees it. */
export interface OutboxPort {
  heads(): Queued[];
  delivered(id: number, atMs: number): void;
  retryAt(id: number, dueMs: number, error: string): void;
  failed(id: number, atMs: number, error: string): void;
}

/** What delivery tells the outside (logs, metrics, tests). */
export interface DeliveryEvents {
  delivered?(q: Queued, atMs: number): void;
  failed?(q: Queued, error: DeliveryError, willRetry: boolean): void;
}

/**
 * Delivers the outbox: one queue per receiver (and per tenant for tenant email), each in order and one at a
 * time, all queues side by side, so a dead mailbox never delays the pager. A notification is marked delivered
 * only after its receiver accepted it (at least once). Woken by `kick()` when the dispatcher queues something,
 * and by a timer for the next retry.
 */
export class Delivery {
  private readonly busy = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly outbox: OutboxPort,
    private readonly senders: ReadonlyMap<string, Sender>,
    private readonly policy: RetryPolicy = defaultRetryPolicy,
    private readonly events: DeliveryEvents = {},
    private readonly clock: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  /** Looks for due notifications now. */
  kick(): void {
    if (this.stopped) return;
    const now = this.clock();
    let next = Infinity;
    for (const q of this.outbox.heads()) {
      const queue = q.notification.queue;
      if (this.busy.has(queue)) continue;
      if (q.dueMs > now) {
        next = Math.min(next, q.dueMs);
        continue;
      }
      this.busy.add(queue);
      const p = this.deliver(q).finally(() => {
        this.busy.delete(queue);
        this.inFlight.delete(p);
        this.kick();
      });
      this.inFlight.add(p);
    }
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (Number.isFinite(next)) this.timer = setTimeout(() => this.kick(), Math.max(10, next - now));
  }

  private async deliver(q: Queued): Promise<void> {
    const sender = this.senders.get(q.notification.receiver);
    const attempt = q.attempts + 1;
    try {
      if (sender === undefined)
        throw new DeliveryError(`no receiver named ${q.notification.receiver}`, 'permanent');
      await sender.send(q.notification, q.id);
    } catch (err) {
      const e = err instanceof DeliveryError ? err : new DeliveryError((err as Error).message, 'retry');
      if (e.kind === 'permanent') this.outbox.failed(q.id, this.clock(), e.message);
      else
        this.outbox.retryAt(q.id, this.clock() + retryDelay(e, attempt, this.policy, this.random), e.message);
      this.events.failed?.(q, e, e.kind !== 'permanent');
      return;
    }
    this.outbox.delivered(q.id, this.clock());
    this.events.delivered?.(q, this.clock());
  }

  /** Stops taking new work and waits for deliveries in flight (their outcomes are still recorded). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }
}
