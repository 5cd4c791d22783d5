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

/** A Retry-After header (seconds or an HTTP date) in ms from `nowMs`; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1_000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function refused(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string } }).cause;
  return cause?.code === 'ECONNREFUSED' || cause?.code === 'ECONNRESET';
}

/**
 * POSTs JSON; 2xx is delivered. 429 and 503 honour Retry-After; other 5xx, 408 and timeouts are retried;
 * other 4xx are permanent (the receiver rejects this payload); a refused connection means nothing listens.
 * The URL is never part of an error message (it may hold a token).
 */
export async function postJson(
  url: string,
  body: unknown,
  options: { headers?: Record<string, string>; timeoutMs: number; clock?: () => number },
): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (err) {
    if (refused(err)) throw new DeliveryError('connection refused', 'refused');
    const name = (err as Error).name;
    throw new DeliveryError(
      name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : (err as Error).message,
      'retry',
    );
  }
  const text = await res.text().catch(() => '');
  if (res.ok) return;
  const detail = `HTTP ${res.status}${text === '' ? '' : `: ${text.slice(0, 200)}`}`;
  if (res.status === 429 || res.status === 503)
    throw new DeliveryError(
      detail,
      'retry',
      retryAfterMs(res.headers.get('retry-after'), (options.clock ?? Date.now)()),
    );
  if (res.status >= 500 || res.status === 408) throw new DeliveryError(detail, 'retry');
  throw new DeliveryError(detail, 'permanent');
}
