import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectOnceFromConfig } from '../../collector/src/main.ts';
import { connectInflux } from '../../collector/src/sink/influx.ts';
import { labCollectorConfig } from '../../lab/src/collector-config.ts';
import { startInfluxd, waitInfluxReady, writeInfluxConfig } from '../../lab/src/influxd.ts';
import { freePorts } from '../../lab/src/ports.ts';
import { endProcess } from '../../lab/src/process.ts';
import type { ProcessRecord } from '../../lab/src/state.ts';
import { currentLab, deleteProbeTopic, uniqueName } from '../lab/lab.ts';

// Storage sharded by cluster: a second influxd, and a second cluster entry (the lab's brokers under another
// name, every other setting as shipped) whose `influx` names it. Each cluster's points go to
// its own InfluxDB, each prepared with the top level's retention.
describe('the collector writing each cluster to its own InfluxDB', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-shard-'));
  let second: ProcessRecord & { url: string };

  beforeAll(async () => {
    const [http, rpc] = await freePorts(2);
    const config = writeInfluxConfig(dir, http ?? 0, rpc ?? 0);
    second = { ...startInfluxd(dir, config), url: `http://127.0.0.1:${http}` };
    await waitInfluxReady(second.url, 15_000);
  }, 30_000);

  afterAll(async () => {
    await endProcess(second.pid, dir, 10_000);
    rmSync(dir, { recursive: true, force: true });
    await deleteProbeTopic();
  });

  it('routes each cluster’s points to its shard, and prepares every shard', async () => {
    const lab = currentLab();
    const database = uniqueName('main').replaceAll('-', '_');
    const shardDb = uniqueName('shard').replaceAll('-', '_');
    const base = labCollectorConfig(lab, database, 10_000);
    const own = base.clusters[0]!;
    const config = {
      ...base,
      spool: { ...base.spool, dir: join(dir, 'spool') },
      clusters: [
        own,
        {
          ...own,
          name: 'lab-b',
          influx: { url: second.url, database: shardDb },
        },
      ],
    };
    const summary = await collectOnceFromConfig(config, {}, pino({ level: 'silent' }));
    expect(summary.writeErrors).toEqual([]);
    expect(summary.written).toBe(summary.points);

    const clustersIn = async (url: string, db: string): Promise<string[]> => {
      const influx = await connectInflux({ url, database: db });
      const rows = await influx.query<{ cluster: string; n: number }>(
        `SELECT count("up") AS n FROM "scrape" GROUP BY "cluster"`,
      );
      return rows.map((r) => r.cluster).sort();
    };
    expect(await clustersIn(lab.influx.url, database)).toEqual(['lab']);
    expect(await clustersIn(second.url, shardDb)).toEqual(['lab-b']);
    const shard = await connectInflux({ url: second.url, database: shardDb });
    expect((await shard.showRetentionPolicies(shardDb)).find((p) => p.default)?.name).toBe('raw');
    await shard.dropDatabase(shardDb);
    await (await connectInflux({ url: lab.influx.url, database })).dropDatabase(database);
  }, 60_000);
});
