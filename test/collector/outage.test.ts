import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jmxMetrics } from '../../model/src/jmx.ts';
import { collectOnce } from '../../collector/src/cycle.ts';
import { buildNameIndex } from '../../collector/src/jmx-names.ts';
import { durableWriter } from '../../collector/src/sink/durable.ts';
import { connectInflux, writeLineProtocol } from '../../collector/src/sink/influx.ts';
import { Spool } from '../../collector/src/sink/spool.ts';
import { jmxTextSource } from '../../collector/src/sources/jmx-text.ts';
import { controlInflux } from '../../lab/src/control.ts';
import { processState } from '../../lab/src/process.ts';
import { currentLab, uniqueName } from '../lab/lab.ts';

// Drill: cycles run before, during and after an influxd outage; afterwards every cycle's points are stored.
describe('InfluxDB outage', () => {
  const dir = currentLab().dir;
  const spoolDir = mkdtempSync(join(tmpdir(), 'lookout-spool-drill-'));
  afterAll(async () => {
    if (processState(currentLab().influx.pid, dir) === 'gone') await controlInflux(dir, 'start');
    rmSync(spoolDir, { recursive: true, force: true });
  });

  it('spools while influxd is down and backfills every cycle, in order, when it returns', async () => {
    const lab = currentLab();
    const database = uniqueName('outage').replaceAll('-', '_');
    const influx = await connectInflux({ url: lab.influx.url, database });
    const index = buildNameIndex(jmxMetrics);
    const sources = lab.brokers.map((b) =>
      jmxTextSource(
        { cluster: 'lab', broker: String(b.id), url: `http://127.0.0.1:${b.jmxPort}/metrics` },
        index,
      ),
    );
    const reports: string[] = [];
    const spool = new Spool(spoolDir, 64 * 2 ** 20, (m) => reports.push(m));
    const write = durableWriter(
      (body) => writeLineProtocol({ url: lab.influx.url, database, timeoutMs: 2_000 }, body),
      spool,
    );
    const t0 = Math.floor(Date.now() / 1_000) * 1_000 - 60_000;
    const cycleAt = (k: number) => collectOnce(sources, write, t0 + k * 1_000, 5_000, () => Date.now());

    const before = await cycleAt(0);
    expect(before.written).toBe(before.points);
    await controlInflux(dir, 'stop');
    const during = [await cycleAt(1), await cycleAt(2), await cycleAt(3)];
    for (const c of during) expect(c.spooled).toBe(c.points);
    expect(spool.state().batches).toBe(3);
    await controlInflux(dir, 'start');
    const after = await cycleAt(4);
    expect(after.written).toBe(after.points);
    expect(spool.state().batches).toBe(0);
    expect(reports).toEqual([]);

    const rows = await influx.query<{ time: Date; n: number }>(
      `SELECT count("up") AS n FROM "scrape" WHERE time >= ${t0}ms AND time < ${t0 + 5_000}ms GROUP BY time(1s)`,
    );
    expect(rows.map((r) => r.n)).toEqual([3, 3, 3, 3, 3]);
    await influx.dropDatabase(database);
  });
});
