import { describe, expect, it } from 'vitest';
import { encodeLines } from '../../collector/src/line-protocol.ts';
import { applyRetention, connectInflux, writeLineProtocol } from '../../collector/src/sink/influx.ts';
import { planRetention } from '../../collector/src/sink/retention.ts';
import { currentLab, uniqueName } from '../lab/lab.ts';

describe('retention policies and downsampling on the lab influxd', () => {
  it('creates them once, and each continuous query downsamples with the field names kept', async () => {
    const lab = currentLab();
    const database = uniqueName('rp').replaceAll('-', '_');
    const influx = await connectInflux({ url: lab.influx.url, database });
    // Another database with the same queries must not confuse it (SHOW CONTINUOUS QUERIES lists them all).
    const other = `${database}_other`;
    const otherPlan = planRetention(other, {
      raw: 7 * 86_400_000,
      downsample: [{ every: 300_000, keep: 90 * 86_400_000 }],
    });
    await applyRetention(await connectInflux({ url: lab.influx.url, database: other }), other, otherPlan);
    const plan = planRetention(database, {
      raw: 7 * 86_400_000,
      downsample: [{ every: 300_000, keep: 90 * 86_400_000 }],
    });
    const first = await applyRetention(influx, database, plan);
    expect(first).toContain('created retention policy raw (168h)');
    expect(first).toContain('created retention policy ds_5m (2160h)');
    expect(first).toContain('created continuous query lookout_broker_5m');
    expect(await applyRetention(influx, database, plan)).toEqual([]);

    const policies = await influx.showRetentionPolicies(database);
    expect(policies.find((p) => p.name === 'raw')?.default).toBe(true);

    // Run the broker query's SELECT … INTO over a closed window, as the CQ would.
    const t0 = Math.floor(Date.now() / 300_000) * 300_000 - 600_000;
    const samples = [0, 60_000, 120_000].map((dt, i) => ({
      measurement: 'broker',
      tags: { cluster: 'lab', broker: '1', source: 'jmx' },
      fields: { under_replicated_partitions: i, bytes_in_total: 1_000 * (i + 1) },
      timeMs: t0 + dt,
    }));
    expect(await writeLineProtocol({ url: lab.influx.url, database }, encodeLines(samples).body)).toEqual({
      ok: true,
    });
    const select = plan.queries.find((q) => q.name === 'lookout_broker_5m')?.select ?? '';
    await influx.query(
      select.replace(' GROUP BY', ` WHERE time >= ${t0}ms AND time < ${t0 + 300_000}ms GROUP BY`),
    );
    const [row] = await influx.query<{ under_replicated_partitions: number; bytes_in_total: number }>(
      `SELECT "under_replicated_partitions", "bytes_in_total" FROM "${database}"."ds_5m"."broker" WHERE time >= ${t0}ms AND time < ${t0 + 300_000}ms`,
    );
    expect(row).toMatchObject({ under_replicated_partitions: 1, bytes_in_total: 3_000 });
    await influx.dropDatabase(database);
    await influx.dropDatabase(other);
  });
});
