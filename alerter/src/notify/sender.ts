import type { Notification } from './notification.ts';

/** Why a delivery failed, and what to do about it: retry later, retry soon (nothing listens), or give up. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly kind: 'retry' | 'refused' | 'permanent',
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** A receiver's sender: delivers one notification (its outbox id for idempotency) or throws a DeliveryError. */
export interface Sender {
  send(n: Notification, id: number): Promise<void>;
}
