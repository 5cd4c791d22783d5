import type { Logger } from 'pino';
import type { DeliveryConfig } from './config.ts';
import { Delivery } from './delivery.ts';
import type { DeliveryEvents, OutboxPort } from './delivery.ts';
import { sendersOf } from './senders.ts';
import type { SenderSecrets } from './senders.ts';

/**
 * The delivery of a config's receivers: their senders, the retry policy, and a log line per notification
 * delivered or failed (never its content or URL), each told to `events` too. `close` ends the senders'
 * connections.
 */
export function deliveryOf(
  config: DeliveryConfig,
  secrets: SenderSecrets,
  outbox: OutboxPort,
  log: Logger,
  clock: () => number,
  events: DeliveryEvents = {},
): { delivery: Delivery; close: () => void } {
  const { senders, close } = sendersOf(config, secrets);
  const delivery = new Delivery(
    outbox,
    senders,
    {
      initialBackoffMs: config.delivery.initial_backoff,
      maxBackoffMs: config.delivery.max_backoff,
      jitter: config.delivery.jitter,
      reconnectEveryMs: config.delivery.reconnect_every,
    },
    {
      delivered: (q, atMs) => {
        events.delivered?.(q, atMs);
        log.info(
          {
            id: q.id,
            queue: q.notification.queue,
            status: q.notification.status,
            incident: q.notification.incidentKey,
          },
          'notification delivered',
        );
      },
      failed: (q, err, retry) => {
        events.failed?.(q, err, retry);
        log.warn(
          { id: q.id, queue: q.notification.queue, attempt: q.attempts + 1, error: err.message, retry },
          'notification failed',
        );
      },
    },
    clock,
  );
  return { delivery, close };
}

/**
 * LookoutNotificationsFailing, one per queue whose oldest notification has kept failing for `failingAfterMs`,
 * with its last error (the alerter raises these as its own alerts).
 */
export function failingQueues(
  delivery: Delivery,
  failingAfterMs: number,
  nowMs: number,
): { alert: 'LookoutNotificationsFailing'; labels: { queue: string }; error: string }[] {
  return delivery
    .oldest()
    .filter((q) => q.attempts > 0 && nowMs - q.notification.createdAtMs >= failingAfterMs)
    .map((q) => ({
      alert: 'LookoutNotificationsFailing' as const,
      labels: { queue: q.notification.queue },
      error: q.lastError ?? 'failing',
    }));
}
