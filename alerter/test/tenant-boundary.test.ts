import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { AlerterView } from '../src/api/alerter-view.ts';
import { serveApi } from '../src/api/http.ts';
import { operatorToken, world } from './random-platform.ts';

// The tenant boundary as a property: over random catalogs, alerts (their evidence naming several tenants'
// topics), groups, lag and topic rates, no answer of any route to a tenant token contains another tenant's
// name, topic or group. The API and every reader it answers from are the real ones (the HTTP server, the
// owners, the alerts as a tenant sees them, the group, lag and rate readers); only the stores under them are
// in memory (the query port and the newest-rows reader). Seeded: a failure names its round.
describe('the tenant boundary, as a property over random platforms', () => {
  let server: Server | undefined;
  let base = '';
  /** The API over one platform (the last one closed). */
  const serve = async (view: AlerterView): Promise<void> => {
    await close();
    const s = createServer();
    await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
    serveApi(s, view);
    server = s;
    base = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  };
  const close = (): Promise<void> =>
    new Promise<void>((ok) => (server === undefined ? ok() : server.close(() => ok())));
  afterAll(close);

  const get = async (path: string, token: string): Promise<{ status: number; text: string }> => {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, text: await res.text() };
  };

  it('no answer to a tenant token names another tenant, its topics or its groups (40 random platforms)', async () => {
    const now = Date.now();
    let answers = 0;
    let sawOthers = 0;
    for (let seed = 1; seed <= 40; seed += 1) {
      const w = world(seed, now);
      await serve(w.view);
      for (const t of w.tenants) {
        const others = w.tenants.filter((o) => o !== t).flatMap((o) => [o.name, ...o.topics, ...o.groups]);
        const other = w.tenants.find((o) => o !== t);
        const paths = [
          '/api/alerts',
          '/api/alerts?state=firing',
          `/api/alerts?tenant=${t.name}`,
          '/api/tenants',
          `/api/tenants/${t.name}/alerts`,
          `/api/tenants/${t.name}/groups`,
          `/api/tenants/${t.name}/lag-history?hours=1`,
          `/api/tenants/${t.name}/topics`,
          '/api/rules',
          '/api/whoami',
          ...t.groups.map((g) => `/api/lag/lab/${g}`),
          // Asking for another's: refused without naming anything but what was asked.
          `/api/tenants/${other?.name ?? ''}/alerts`,
          `/api/tenants/${other?.name ?? ''}/groups`,
          `/api/lag/lab/${other?.groups[0] ?? ''}`,
        ];
        for (const path of paths) {
          const { status, text } = await get(path, t.token);
          answers += 1;
          expect(status, `round ${seed}, ${t.name}, ${path}`).toBeLessThan(500);
          const leaked = others.filter((n) => text.includes(n) && !path.includes(n));
          expect(leaked, `round ${seed}, ${t.name}, ${path}: ${text.slice(0, 300)}`).toEqual([]);
        }
      }
      // The same routes do name other tenants' things to the operator: the check can fail.
      const all = await get('/api/alerts', operatorToken);
      if (w.tenants.some((t) => t.groups.some((g) => all.text.includes(g)))) sawOthers += 1;
    }
    expect(answers).toBeGreaterThan(1_000);
    expect(sawOthers).toBeGreaterThan(30);
  }, 60_000);
});
