import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchBounded } from '../src/http-body.ts';

// A real HTTP server on loopback standing in for an agent: what the collector's fetch sends and how it answers.
describe('fetchBounded', () => {
  let server: Server;
  let other: Server;
  let base = '';
  let elsewhere = '';
  const seen: { url: string; authorization?: string; method?: string; body: string }[] = [];

  beforeAll(async () => {
    const listen = (s: Server): Promise<string> =>
      new Promise((ok) =>
        s.listen(0, '127.0.0.1', () => {
          const a = s.address();
          ok(typeof a === 'object' && a !== null ? `http://127.0.0.1:${a.port}` : '');
        }),
      );
    other = createServer((req, res) => {
      seen.push({ url: `elsewhere${req.url}`, authorization: req.headers.authorization, body: '' });
      res.end('elsewhere');
    });
    elsewhere = await listen(other);
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ url: req.url ?? '', authorization: req.headers.authorization, method: req.method, body });
        if (req.url === '/jolokia') res.writeHead(302, { location: '/jolokia/' }).end();
        else if (req.url === '/away') res.writeHead(302, { location: `${elsewhere}/x` }).end();
        else if (
          req.url === '/secret' &&
          req.headers.authorization !== `Basic ${Buffer.from('u:p').toString('base64')}`
        )
          res.writeHead(401).end();
        else if (req.url === '/big') res.end('x'.repeat(10_000));
        else res.end(`ok ${req.url}`);
      });
    });
    base = await listen(server);
  });
  afterAll(() => {
    server.close();
    other.close();
  });

  it('follows a redirect on the same server with the same request, and not one to another', async () => {
    const got = await fetchBounded(`${base}/jolokia`, 2_000, 1_000, { method: 'POST', body: '[1]' });
    expect(got.toString()).toBe('ok /jolokia/');
    expect(seen.at(-1)).toMatchObject({ url: '/jolokia/', method: 'POST', body: '[1]' });
    await expect(
      fetchBounded(`${base}/away`, 2_000, 1_000, { basic: { username: 'u', password: 'p' } }),
    ).rejects.toThrow('HTTP 302');
    expect(seen.some((s) => s.url.startsWith('elsewhere'))).toBe(false);
  });

  it('sends basic authentication, and names the user (never the password) when refused', async () => {
    expect(
      (
        await fetchBounded(`${base}/secret`, 2_000, 1_000, { basic: { username: 'u', password: 'p' } })
      ).toString(),
    ).toBe('ok /secret');
    await expect(
      fetchBounded(`${base}/secret`, 2_000, 1_000, { basic: { username: 'u', password: 'wrong' } }),
    ).rejects.toThrow(/^HTTP 401: the agent refused user u \(wrong password\?\)$/);
    await expect(fetchBounded(`${base}/secret`, 2_000, 1_000)).rejects.toThrow(
      'HTTP 401: the agent wants a user and password (set basic_auth)',
    );
  });

  it('stops reading past its limit, and says plainly when nothing listens', async () => {
    await expect(fetchBounded(`${base}/big`, 2_000, 1_000)).rejects.toThrow(
      'body of 10000 bytes exceeds the 1000-byte limit',
    );
    server.close();
    await expect(fetchBounded(`${base}/gone`, 2_000, 1_000)).rejects.toThrow(
      /^unreachable \(connection refused: ECONNREFUSED\)$/,
    );
  });
});
