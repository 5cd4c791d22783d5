import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectInflux, writeLineProtocol } from '../../collector/src/sink/influx.ts';
import { startInfluxd, waitInfluxReady, writeInfluxConfig } from '../../lab/src/influxd.ts';
import { freePorts } from '../../lab/src/ports.ts';
import { endProcess } from '../../lab/src/process.ts';
import { encodeLines } from '../../model/src/line-protocol.ts';
import type { Sample } from '../../model/src/sample.ts';
import { startAlerter } from '../src/main.ts';
import { apiTestSetup } from './api-setup.ts';
import type { RunningAlerter } from '../src/main.ts';
import { tokenHash } from '../src/tenants-source.ts';

// A tenant's view through the real API while other tenants have alerts of their own: a real influxd holding two
// tenants' lagging groups, a real alerter over it with the pack as shipped and its window cache. Each tenant
// token sees its own alerts and only those; the operator token sees both.
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
const operatorToken = 'op-secret-token-789';
const shopToken = 'shop-token-012';
const searchToken = 'search-token-345';

interface ListedAlert {
  rule: string;
  owner: string;
  labels: Record<string, string>;
}

describe("a tenant's alerts while another tenant has alerts", () => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-api-tenants-'));
  let influxPid = 0;
  let alerter: RunningAlerter;
  let base = '';
  const call = async (path: string, token: string) => {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as { alerts: ListedAlert[] } };
  };
  const groupsOf = (alerts: ListedAlert[]) =>
    [...new Set(alerts.filter((a) => a.rule.startsWith('Consumer')).map((a) => a.labels.group))].sort();

  beforeAll(async () => {
    const [http = 0, rpc = 0] = await freePorts(2);
    influxPid = startInfluxd(dir, writeInfluxConfig(dir, http, rpc, {})).pid;
    const url = `http://127.0.0.1:${http}`;
    await waitInfluxReady(url, 15_000);
    await connectInflux({ url, database: 'lookout' });
    // Ten minutes of two tenants' groups 900 s behind and not catching up, as the collector writes them.
    const now = Date.now();
    const samples: Sample[] = [];
    for (let t = now - 600_000; t <= now; t += 15_000)
      for (const [group, tenant, protocol] of [
        ['shop-orders', 'shop', 'consumer'],
        ['search-indexer', 'search', 'classic'],
      ] as const)
        samples.push({
          measurement: 'consumer_group',
          tags: { cluster: 'lab', group, tenant, protocol },
          timeMs: t,
          fields: {
            lag_seconds_max: 900,
            lag_messages_sum: 50_000,
            members: protocol === 'consumer' ? 2 : 1,
            partitions: 3,
            assigned_partitions: 3,
            rebalancing: 0,
            state: 'Stable',
          },
        });
    // Produce rates: shop.orders' 3 partitions at 10, 20, 30 messages/s; search.clicks' one at 5.
    for (const [topic, partition, rate, tenant] of [
      ['shop.orders', 0, 10, 'shop'],
      ['shop.orders', 1, 20, 'shop'],
      ['shop.orders', 2, 30, 'shop'],
      ['search.clicks', 0, 5, 'search'],
    ] as const)
      for (const t of [now - 15_000, now])
        samples.push({
          measurement: 'partition_offsets',
          tags: { cluster: 'lab', topic, partition: String(partition), tenant },
          timeMs: t,
          fields: { messages_per_s: rate, log_end_offset: 1_000, log_start_offset: 0 },
        });
    // shop-orders' partitions in the newest cycle: three of its own topic, one of search's (read across tenants).
    for (const [topic, partition] of [
      ['shop.orders', 0],
      ['shop.orders', 1],
      ['shop.orders', 2],
      ['search.clicks', 0],
    ] as const)
      for (const t of [now - 15_000, now])
        samples.push({
          measurement: 'consumer_lag',
          tags: { cluster: 'lab', group: 'shop-orders', topic, partition: String(partition), tenant: 'shop' },
          timeMs: t,
          fields: {
            committed_offset: 1_000 + partition,
            log_end_offset: 17_667 + partition,
            lag_messages: 16_667,
            lag_seconds: 900 - partition,
            lag_method: partition === 2 ? 'interpolated' : 'exact',
            has_commit: 1,
            client_id: `orders-${partition}`,
            client_host: '/10.0.0.5',
          },
        });
    expect(await writeLineProtocol({ url, database: 'lookout' }, encodeLines(samples).body)).toEqual({
      ok: true,
    });

    const tenantsFile = join(dir, 'tenants.yaml');
    writeFileSync(
      tenantsFile,
      `tenants:
  - name: shop
    contacts: [shop@example.com]
    topics: [shop.*]
    groups: [shop-*]
    api_token_sha256: ${tokenHash(shopToken)}
  - name: search
    contacts: [search@example.com]
    topics: [search.*]
    groups: [search-*]
    api_token_sha256: ${tokenHash(searchToken)}
`,
    );
    const setup = apiTestSetup({
      influx: { url, database: 'lookout', timeout: 5_000 },
      tenantsFile,
      dir,
      windowCache: true,
      operatorToken,
    });
    alerter = await startAlerter(setup, pino({ level: 'silent' }));
    base = `http://127.0.0.1:${(alerter.server.address() as AddressInfo).port}`;
    for (let i = 0; i < 100; i += 1) {
      const all = await call('/api/alerts', operatorToken);
      if (groupsOf(all.body.alerts).length === 2) break;
      await sleep(200);
    }
  }, 60_000);

  afterAll(async () => {
    await alerter?.stop();
    if (influxPid > 0) await endProcess(influxPid, dir, 5_000);
    rmSync(dir, { recursive: true, force: true });
  });

  it('the operator sees both tenants; each tenant token only its own, by every path', async () => {
    const all = await call('/api/alerts', operatorToken);
    expect(groupsOf(all.body.alerts)).toEqual(['search-indexer', 'shop-orders']);
    expect(all.body.alerts.find((a) => a.labels.group === 'shop-orders')).toMatchObject({
      rule: 'ConsumerLagHigh',
      owner: 'shop',
    });

    for (const [tenant, token, group] of [
      ['shop', shopToken, 'shop-orders'],
      ['search', searchToken, 'search-indexer'],
    ] as const) {
      const own = await call('/api/alerts', token);
      expect(own.status).toBe(200);
      expect(groupsOf(own.body.alerts)).toEqual([group]);
      // Nothing of another tenant's and nothing operators-only (the alerter's own alerts have no owner).
      expect(own.body.alerts.every((a) => a.owner === tenant)).toBe(true);
      const byPath = await call(`/api/tenants/${tenant}/alerts`, token);
      expect(byPath.body.alerts).toEqual(own.body.alerts);
      const other = tenant === 'shop' ? 'search' : 'shop';
      expect(
        (
          await fetch(`${base}/api/tenants/${other}/alerts`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).status,
      ).toBe(403);
      expect(
        (await fetch(`${base}/api/alerts?tenant=${other}`, { headers: { authorization: `Bearer ${token}` } }))
          .status,
      ).toBe(403);
    }
  });

  it("each tenant reads its own consumer groups (protocol, members, partitions held, lag), never another's", async () => {
    const groups = async (tenant: string, token?: string) => {
      const res = await fetch(`${base}/api/tenants/${tenant}/groups`, {
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      });
      return { status: res.status, body: (await res.json()) as { groups?: unknown[] } };
    };
    expect((await groups('shop', shopToken)).body.groups).toEqual([
      {
        cluster: 'lab',
        group: 'shop-orders',
        protocol: 'consumer',
        owner: 'shop',
        members: 2,
        assignedPartitions: 3,
        rebalancing: false,
        lagMessages: 50_000,
        lagSeconds: 900,
        state: 'Stable',
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown,
      },
    ]);
    expect((await groups('search', searchToken)).body.groups).toMatchObject([
      { group: 'search-indexer', protocol: 'classic', owner: 'search', members: 1 },
    ]);
    expect((await groups('search', shopToken)).status).toBe(403);
    expect((await groups('shop')).status).toBe(401);
    expect((await groups('nobody', operatorToken)).status).toBe(404);
    expect((await groups('search', operatorToken)).body.groups).toHaveLength(1);
  });

  it("draws a tenant's lag over the last hours and its topics' rates, its own only", async () => {
    const get = async (path: string, token: string) => {
      const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const history = await get('/api/tenants/shop/lag-history?hours=1', shopToken);
    expect(history.status).toBe(200);
    expect(history.body).toMatchObject({ hours: 1, stepSeconds: 15 });
    const groups = history.body.groups as { group: string; times: string[]; lagMessages: number[] }[];
    expect(groups.map((g) => g.group)).toEqual(['shop-orders']);
    // 10 minutes stored every 15 s: 40 or 41 buckets (the oldest point may fall on the window's edge).
    expect(groups[0]?.times.length).toBeGreaterThanOrEqual(40);
    expect(groups[0]?.times[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(new Set(groups[0]?.lagMessages)).toEqual(new Set([50_000]));
    // 3 hours: 45 s buckets (at most 240 per series).
    expect((await get('/api/tenants/shop/lag-history?hours=3', shopToken)).body.stepSeconds).toBe(45);
    expect((await get('/api/tenants/shop/lag-history?hours=25', shopToken)).status).toBe(400);
    expect((await get('/api/tenants/search/lag-history', shopToken)).status).toBe(403);
    const topics = await get('/api/tenants/shop/topics', shopToken);
    expect(topics.body.topics).toEqual([
      { cluster: 'lab', topic: 'shop.orders', messagesPerSecond: 60, partitions: 3 },
    ]);
    expect((await get('/api/tenants/search/topics', operatorToken)).body.topics).toEqual([
      { cluster: 'lab', topic: 'search.clicks', messagesPerSecond: 5, partitions: 1 },
    ]);
    expect((await get('/api/tenants/search/topics', shopToken)).status).toBe(403);
  });

  it("answers a group's lag as Burrow does, per partition, to its owner and the operators only", async () => {
    const lag = async (path: string, token?: string) => {
      const res = await fetch(`${base}/api/lag/${path}`, {
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const own = await lag('lab/shop-orders', shopToken);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({
      cluster: 'lab',
      group: 'shop-orders',
      owner: 'shop',
      status: 'WARN', // ConsumerLagHigh holds (pending: its 5 m are not served yet in this test)
      alerts: [{ rule: 'ConsumerLagHigh' }],
      protocol: 'consumer',
      members: 2,
      lagMessages: 50_000,
      lagSeconds: 900,
      otherTenantsPartitions: 1,
    });
    expect(String(own.body.at)).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/);
    expect(own.body.partitions).toEqual(
      [0, 1, 2].map((p) => ({
        topic: 'shop.orders',
        partition: p,
        hasCommit: true,
        committedOffset: 1_000 + p,
        logEndOffset: 17_667 + p,
        lagMessages: 16_667,
        lagSeconds: 900 - p,
        lagMethod: p === 2 ? 'interpolated' : 'exact',
        clientId: `orders-${p}`,
        clientHost: '/10.0.0.5',
      })),
    );
    expect(JSON.stringify(own.body)).not.toContain('search');
    const ops = await lag('lab/shop-orders', operatorToken);
    expect((ops.body.partitions as { topic: string }[]).map((p) => p.topic)).toContain('search.clicks');
    expect(ops.body).not.toHaveProperty('otherTenantsPartitions');
    // Another tenant's group answers as one that is not there; no token is asked for one.
    const foreign = await lag('lab/shop-orders', searchToken);
    const unknown = await lag('lab/nobody-reads-this', searchToken);
    expect([foreign.status, unknown.status]).toEqual([404, 404]);
    expect(foreign.body.error).toBe(
      unknown.body.error?.toString().replace('nobody-reads-this', 'shop-orders'),
    );
    expect((await lag('lab/shop-orders')).status).toBe(401);
    expect((await lag('lab/search-indexer', searchToken)).body).toMatchObject({
      group: 'search-indexer',
      partitions: [],
    });
  });
});
