import { describe, expect, it } from 'vitest';
import { encodeLines } from '../../model/src/line-protocol.ts';
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

  it("rolls produce volume up per day with each topic's tenant: messages from log ends, bytes from brokers' counters", async () => {
    const lab = currentLab();
    const database = uniqueName('volume').replaceAll('-', '_');
    const influx = await connectInflux({ url: lab.influx.url, database });
    const plan = planRetention(database, { raw: 7 * 86_400_000, downsample: [] });
    expect(await applyRetention(influx, database, plan)).toContain(
      'created continuous query lookout_topic_volume_messages_1d',
    );
    const day = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 86_400_000; // yesterday, UTC
    const at = (h: number) => day + h * 3_600_000;
    const samples = [
      // payments: two partitions advance 100 and 50 over the day; search: one advances 7.
      ...[0, 12, 23].map((h, i) => ({
        measurement: 'partition_offsets',
        tags: { cluster: 'lab', topic: 'payments.orders', partition: '0', tenant: 'payments' },
        fields: { log_end_offset: 1_000 + 50 * i },
        timeMs: at(h),
      })),
      ...[1, 22].map((h, i) => ({
        measurement: 'partition_offsets',
        tags: { cluster: 'lab', topic: 'payments.orders', partition: '1', tenant: 'payments' },
        fields: { log_end_offset: 10 + 50 * i },
        timeMs: at(h),
      })),
      ...[2, 20].map((h, i) => ({
        measurement: 'partition_offsets',
        tags: { cluster: 'lab', topic: 'search.clicks', partition: '0', tenant: 'search' },
        fields: { log_end_offset: 7 * i },
        timeMs: at(h),
      })),
      // Bytes in for payments.orders on two brokers: 4,000 and 6,000 over the day.
      ...[0, 23].map((h, i) => ({
        measurement: 'broker_topic',
        tags: { cluster: 'lab', broker: '1', topic: 'payments.orders', source: 'jmx', tenant: 'payments' },
        fields: { bytes_in_total: 10_000 + 4_000 * i },
        timeMs: at(h),
      })),
      ...[0, 23].map((h, i) => ({
        measurement: 'broker_topic',
        tags: { cluster: 'lab', broker: '2', topic: 'payments.orders', source: 'jmx', tenant: 'payments' },
        fields: { bytes_in_total: 6_000 * i },
        timeMs: at(h),
      })),
    ];
    expect(await writeLineProtocol({ url: lab.influx.url, database }, encodeLines(samples).body)).toEqual({
      ok: true,
    });
    // Run each rollup's SELECT … INTO over yesterday, as its continuous query does every hour.
    for (const q of plan.queries.filter((x) => x.name.startsWith('lookout_topic_volume'))) {
      await influx.query(
        q.select.replace(' GROUP BY', ` WHERE time >= ${day}ms AND time < ${day + 86_400_000}ms GROUP BY`),
      );
    }
    const rows = await influx.query<{ tenant: string; messages: number; bytes: number }>(
      `SELECT sum("messages") AS "messages", sum("bytes") AS "bytes" FROM "${database}"."volume"."topic_volume" WHERE time >= ${day}ms AND time < ${day + 86_400_000}ms GROUP BY "tenant"`,
    );
    const byTenant = Object.fromEntries(
      rows.map((r) => [r.tenant, { messages: r.messages, bytes: r.bytes }]),
    );
    expect(byTenant).toEqual({
      payments: { messages: 150, bytes: 10_000 },
      search: { messages: 7, bytes: null },
    });
    await influx.dropDatabase(database);
  });
});
