import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertEvents } from '../src/events.ts';
import { influxLineWriter, influxQueryPort } from '../src/query/influx.ts';
import { startInfluxd, waitInfluxReady, writeInfluxConfig } from '../../lab/src/influxd.ts';
import { applyRetention, connectInflux, writeLineProtocol } from '../../collector/src/sink/influx.ts';
import { planRetention } from '../../collector/src/sink/retention.ts';
import { basicAuthHeaders } from '../../model/src/basic-auth.ts';
import { freePorts } from '../../lab/src/ports.ts';
import { endProcess } from '../../lab/src/process.ts';

// Lookout against an InfluxDB with authentication on (as the compose deployment runs it): the collector writes
// and the alerter reads and writes with the credentials of their configs, in a header; without them, refused.
describe('Lookout on an InfluxDB with authentication', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-influx-auth-'));
  let url = '';
  let pid = 0;
  const admin = { username: 'admin', password: 'not-a-real-secret' };
  const query = async (q: string) => {
    const body = new URLSearchParams({ q });
    const headers = basicAuthHeaders(admin.username, admin.password);
    return (await (await fetch(`${url}/query`, { method: 'POST', headers, body })).json()) as {
      results: { series?: { values: unknown[][] }[]; error?: string }[];
    };
  };

  beforeAll(async () => {
    const [http = 0, rpc = 0] = await freePorts(2);
    pid = startInfluxd(dir, writeInfluxConfig(dir, http, rpc, { auth: true })).pid;
    url = `http://127.0.0.1:${http}`;
    await waitInfluxReady(url, 15_000);
    // The first user of an InfluxDB with auth on may be created without credentials, and must be an admin.
    await fetch(`${url}/query`, {
      method: 'POST',
      body: new URLSearchParams({
        q: `CREATE USER "${admin.username}" WITH PASSWORD '${admin.password}' WITH ALL PRIVILEGES`,
      }),
    });
    await query('CREATE DATABASE "lookout"');
  });
  afterAll(async () => {
    await endProcess(pid, dir, 5_000);
    rmSync(dir, { recursive: true, force: true });
  });

  it('the collector writes with its credentials, and is refused without them (a 401 is final: not retried)', async () => {
    // The database, its retention policies and continuous queries, through the collector's influx client.
    const client = await connectInflux({ url, database: 'lookout', ...admin });
    const plan = planRetention('lookout', { raw: 7 * 86_400_000, downsample: [] });
    expect((await applyRetention(client, 'lookout', plan)).length).toBeGreaterThan(0);
    const at = Date.now() - 60_000;
    const line = `cluster,cluster=prod partitions=12i ${at}`;
    expect(await writeLineProtocol({ url, database: 'lookout', ...admin }, line)).toEqual({ ok: true });
    const refused = await writeLineProtocol({ url, database: 'lookout' }, line);
    expect(refused).toMatchObject({ ok: false, retriable: false });
    const stored = await query('SELECT "partitions" FROM "lookout".."cluster"');
    // InfluxDB writes RFC 3339 with trailing zeros trimmed (…46.63Z for …46.630Z): compare instants.
    const values = (stored.results[0]?.series?.[0]?.values ?? []) as [string, number][];
    expect(values.map(([t, v]) => [Date.parse(t), v])).toEqual([[at, 12]]);
  });

  it('the alerter reads and writes its alert events with its credentials, and is refused without them', async () => {
    const events = new AlertEvents(
      influxLineWriter({ url, database: 'lookout', ...admin }),
      () => 'payments',
    );
    events.record(
      [
        {
          fingerprint: 'f1',
          rule: 'ConsumerLagHigh',
          labels: { alertname: 'ConsumerLagHigh', severity: 'ticket', cluster: 'prod', group: 'billing' },
          from: 'pending',
          to: 'firing',
          atMs: Date.now() - 1_000,
        },
      ],
      [],
      Date.now(),
    );
    await events.flush();
    const stored = await query('SELECT "text", "tenant" FROM "lookout".."alert_event"');
    expect(stored.results[0]?.series?.[0]?.values[0]?.slice(1)).toEqual([
      'ConsumerLagHigh firing: group billing',
      'payments',
    ]);
    const reader = influxQueryPort({ url, database: 'lookout', ...admin });
    expect(await reader.latestMs('alert_event', 'text')).toBeGreaterThan(0);

    const refused = new AlertEvents(influxLineWriter({ url, database: 'lookout' }), () => '');
    refused.record([], [], Date.now());
    refused.record(
      [
        {
          fingerprint: 'f2',
          rule: 'X',
          labels: { alertname: 'X' },
          from: 'pending',
          to: 'firing',
          atMs: Date.now(),
        },
      ],
      [],
      Date.now(),
    );
    await expect(refused.flush()).rejects.toThrow(/answered 401 to a write/);
    expect(refused.backlog()).toBe(1); // kept for the next flush
  });
});
