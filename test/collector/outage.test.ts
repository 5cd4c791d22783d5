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

// Drill: a 10-minute influxd outage at the lab's cadence (60 cycles of 10 s, in simulated time, scraping the
// real brokers); afterwards every cycle's points are stored, in order, and nothing was dropped.
describe('InfluxDB outage', () => {
  const dir = currentLab().dir;
  const spoolDir = mkdtempSync(join(tmpdir(), 'lookout-spool-drill-'));
  afterAll(async () => {
    if (processState(currentLab().influx.pid, dir) === 'gone') await controlInflux(dir, 'start');
    rmSync(spoolDir, { recursive: true, force: true });
  });

  it(
    'spools while influxd is down and backfills every cycle, in order, when it returns',
    { timeout: 120_000 },
    async () => {
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
      // Simulated time at the lab collector's 10 s cadence: one cycle before, 60 during (10 minutes), one after.
      const step = 10_000;
      const outage = 60;
      const t0 = Math.floor(Date.now() / step) * step - (outage + 5) * step;
      const cycleAt = (k: number) =>
        collectOnce(
          sources,
          () => write,
          t0 + k * step,
          5_000,
          () => Date.now(),
        );

      const before = await cycleAt(0);
      expect(before.written).toBe(before.points);
      await controlInflux(dir, 'stop');
      let spooledPoints = 0;
      for (let k = 1; k <= outage; k++) {
        const c = await cycleAt(k);
        expect(c.spooled).toBe(c.points);
        spooledPoints += c.points;
      }
      expect(spool.state()).toMatchObject({ batches: outage, points: spooledPoints });
      await controlInflux(dir, 'start');
      const after = await cycleAt(outage + 1);
      expect(after.written).toBe(after.points);
      expect(spool.state().batches).toBe(0);
      expect(reports).toEqual([]);

      const rows = await influx.query<{ n: number }>(
        `SELECT count("up") AS n FROM "scrape" WHERE time >= ${t0}ms AND time < ${t0 + (outage + 2) * step}ms GROUP BY time(10s)`,
      );
      expect(rows.map((r) => r.n)).toEqual(Array.from({ length: outage + 2 }, () => 3));
      await influx.dropDatabase(database);
    },
  );
});
