import { createServer, request } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveApi } from '../src/api/http.ts';
import { seededRandom } from '../../lab/src/random.ts';
import { operatorToken, world } from './random-platform.ts';

// Every route of the API fuzzed, with random and hostile paths, queries, headers and bodies: no answer is a 5xx,
// the server stays up and answers a plain request after, and memory stays bounded. The API and its readers are
// the real ones over a random platform (random-platform.ts). Seeded: a failure names its request.
const routes = [
  ['GET', '/'],
  ['GET', '/api/alerts'],
  ['GET', '/api/rules'],
  ['GET', '/api/whoami'],
  ['GET', '/api/tenants'],
  ['GET', '/api/tenants/:tenant/alerts'],
  ['GET', '/api/tenants/:tenant/groups'],
  ['GET', '/api/tenants/:tenant/lag-history'],
  ['GET', '/api/tenants/:tenant/topics'],
  ['GET', '/api/lag/:cluster/:group'],
  ['GET', '/api/silences'],
  ['POST', '/api/silences'],
  ['POST', '/api/silences/preview'],
  ['DELETE', '/api/silences/:id'],
  ['GET', '/api/notifications'],
  ['GET', '/assets/:asset'],
  ['GET', '/docs/runbooks.md'],
  ['GET', '/metrics'],
  ['GET', '/healthz'],
  ['PUT', '/api/alerts'],
  ['PATCH', '/api/silences'],
] as const;

const hostile = [
  '',
  'a',
  '..',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '%00',
  '%ZZ',
  '💥'.repeat(50),
  'x'.repeat(5_000),
  '(a+)+$',
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  'constructor',
  '__proto__',
  '1e309',
  '-1',
  'NaN',
  '00000000-0000-0000-0000-000000000000',
];

/** A random JSON value, up to `depth` deep. */
function value(rnd: () => number, depth: number): unknown {
  const r = rnd();
  if (depth <= 0 || r < 0.3) {
    const leaves = [
      null,
      true,
      0,
      -1,
      1e308,
      'x',
      hostile[Math.floor(rnd() * hostile.length)],
      '2h',
      'cluster="a"',
    ];
    return leaves[Math.floor(rnd() * leaves.length)];
  }
  if (r < 0.6) return Array.from({ length: Math.floor(rnd() * 4) }, () => value(rnd, depth - 1));
  const keys = [
    'matchers',
    'duration',
    'createdBy',
    'comment',
    'every',
    'startsAt',
    'endsAt',
    '__proto__',
    'x',
  ];
  return Object.fromEntries(
    Array.from({ length: Math.floor(rnd() * 5) }, () => [
      keys[Math.floor(rnd() * keys.length)],
      value(rnd, depth - 1),
    ]),
  );
}

/**
 * A raw HTTP request (hostile paths are sent as they are, not normalized): its status, or 0 when the server
 * closed the connection before answering (Node's parser does that to a request whose head is over 16 KiB).
 */
function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | undefined,
  localAddress = '127.0.0.1',
): Promise<number> {
  return new Promise((ok, fail) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, headers, agent: false, localAddress },
      (res) => {
        res.resume();
        res.on('end', () => ok(res.statusCode ?? 0));
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? ok(0) : fail(err)));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

describe('the API under random and hostile requests', () => {
  let server: Server;
  let port = 0;
  const w = world(7, Date.now());

  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    serveApi(server, w.view);
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  it('answers 3,000 of them without a 5xx, stays up, and keeps its memory bounded', async () => {
    const rnd = seededRandom(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const tenant = w.tenants[0];
    const segment = (): string =>
      encodeURIComponent(pick([...hostile, tenant?.name ?? '', tenant?.groups[0] ?? '', 'lab', 'uplot.js']));
    const tokens = [operatorToken, tenant?.token ?? '', 'wrong', '', 'x'.repeat(10_000)];
    globalThis.gc?.();
    const before = process.memoryUsage().heapUsed;
    const statuses = new Map<number, number>();
    for (let i = 0; i < 3_000; i += 1) {
      const [method, route] = pick(routes);
      const path = route
        .replace(':tenant', segment())
        .replace(':cluster', segment())
        .replace(':group', segment())
        .replace(':id', segment())
        .replace(':asset', segment());
      const query = Array.from({ length: Math.floor(rnd() * 4) }, () =>
        pick([
          `state=${segment()}`,
          'state=firing&state=pending',
          `severity=${segment()}`,
          `hours=${pick(['0', '1', '24', '25', '-1', 'NaN', '1e9', segment()])}`,
          `limit=${pick(['1', '1000', '1001', '0', 'x'])}`,
          'tenant[x]=1',
          `by=${segment()}`,
          segment(),
        ]),
      ).join('&');
      const json = JSON.stringify(value(rnd, 6));
      const body =
        method === 'GET'
          ? undefined
          : pick([
              json,
              '{"matchers": [',
              'x'.repeat(70_000),
              `{"a":${'['.repeat(5_000)}${']'.repeat(5_000)}}`,
              '',
            ]);
      const headers: Record<string, string> = {
        'content-type': pick(['application/json', 'text/plain', 'application/json; charset=utf-16']),
      };
      const token = pick(tokens);
      if (token !== '') headers.authorization = pick([`Bearer ${token}`, token, `Basic ${token}`]);
      // From one of 4,096 loopback addresses: the failed-token limit (20 a minute per address) holds some back
      // (429), not the whole run.
      const from = `127.0.${Math.floor(rnd() * 16)}.${1 + Math.floor(rnd() * 254)}`;
      const status = await send(
        port,
        method,
        `${path}${query === '' ? '' : `?${query}`}`,
        headers,
        body,
        from,
      );
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      const what = `#${i} ${method} ${path.slice(0, 80)}?${query.slice(0, 80)} ${body?.slice(0, 80) ?? ''}`;
      expect(status, what).toBeLessThan(500);
      // Closed unanswered only when its head is over Node's 16 KiB.
      if (status === 0)
        expect(path.length + query.length + JSON.stringify(headers).length, what).toBeGreaterThan(16_000);
    }
    // Still up, and still right.
    expect(
      await send(port, 'GET', '/api/whoami', { authorization: `Bearer ${operatorToken}` }, undefined),
    ).toBe(200);
    globalThis.gc?.();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 2 ** 20);
    console.log(
      `[fuzz] 3,000 requests: ${[...statuses]
        .sort((a, b) => a[0] - b[0])
        .map(([k, n]) => `${k === 0 ? 'closed' : k} ×${n}`)
        .join(', ')}`,
    );
    // The fuzzing reached past validation: answers of every kind, not only refusals.
    for (const s of [200, 400, 401, 403, 404]) expect(statuses.get(s) ?? 0, `status ${s}`).toBeGreaterThan(0);
  }, 120_000);
});
