import http from 'node:http';
import https from 'node:https';
import { DeliveryError } from './sender.ts';

/** A Retry-After header (seconds or an HTTP date) in ms from `nowMs`; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1_000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

/**
 * POSTs JSON (node:http with keep-alive connections); 2xx is delivered. 429 and 503 honour Retry-After; other
 * 5xx, 408 and timeouts are retried; other 4xx are permanent (the receiver rejects this payload); a refused
 * connection means nothing listens. The URL is never part of an error message (it may hold a token).
 */
export function postJson(
  url: string,
  body: unknown,
  options: { headers?: Record<string, string>; timeoutMs: number; clock?: () => number },
): Promise<void> {
  const target = new URL(url);
  const payload = Buffer.from(JSON.stringify(body));
  const send = target.protocol === 'https:' ? https.request : http.request;
  return new Promise((ok, fail) => {
    const req = send(
      target,
      {
        method: 'POST',
        agent: agents[target.protocol === 'https:' ? 'https:' : 'http:'],
        headers: { 'content-type': 'application/json', 'content-length': payload.length, ...options.headers },
        timeout: options.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < 1_000) chunks.push(c);
          size += c.length;
        });
        res.on('error', (err) => fail(new DeliveryError(err.message, 'retry')));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return ok();
          const text = Buffer.concat(chunks).toString('utf8').slice(0, 200);
          const detail = `HTTP ${status}${text === '' ? '' : `: ${text}`}`;
          const retryAfter = res.headers['retry-after'];
          if (status === 429 || status === 503)
            fail(
              new DeliveryError(
                detail,
                'retry',
                retryAfterMs(
                  typeof retryAfter === 'string' ? retryAfter : null,
                  (options.clock ?? Date.now)(),
                ),
              ),
            );
          else if (status >= 500 || status === 408) fail(new DeliveryError(detail, 'retry'));
          else fail(new DeliveryError(detail, 'permanent'));
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(new DeliveryError(`no answer within ${options.timeoutMs} ms`, 'retry')),
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof DeliveryError) fail(err);
      else if (err.code === 'ECONNREFUSED') fail(new DeliveryError('connection refused', 'refused'));
      else fail(new DeliveryError(err.code ?? err.message, 'retry'));
    });
    req.end(payload);
  });
}
