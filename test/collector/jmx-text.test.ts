import { describe, expect, it } from 'vitest';
import { catalog } from '../../model/src/catalog.ts';
import { jmxMetrics } from '../../model/src/jmx.ts';
import { buildNameIndex } from '../../collector/src/jmx-names.ts';
import { encodeLines } from '../../model/src/line-protocol.ts';
import { connectInflux, writeLineProtocol } from '../../collector/src/sink/influx.ts';
import { runSource } from '../../collector/src/source.ts';
import { jmxTextSource } from '../../collector/src/sources/jmx-text.ts';
import { currentLab, uniqueName } from '../lab/lab.ts';

describe('JMX exporter source against the lab brokers', () => {
  const index = buildNameIndex(jmxMetrics);

  it('stores every catalog broker field for every broker in InfluxDB, with integers as integers', async () => {
    const lab = currentLab();
    const database = uniqueName('jmx').replaceAll('-', '_');
    const influx = await connectInflux({ url: lab.influx.url, database });
    const now = Date.now();
    const samples = (
      await Promise.all(
        lab.brokers.map((b) =>
          runSource(
            jmxTextSource(
              { cluster: 'lab', broker: String(b.id), url: `http://127.0.0.1:${b.jmxPort}/metrics` },
              index,
            ),
            now,
            10_000,
            () => Date.now(),
          ),
        ),
      )
    ).flat();
    const { body, points } = encodeLines(samples);
    expect(await writeLineProtocol({ url: lab.influx.url, database }, body)).toEqual({ ok: true });
    expect(points).toBeGreaterThan(3);

    const fields = Object.keys(catalog.broker.fields);
    const rows = await influx.query<Record<string, unknown>>(
      `SELECT ${fields.map((f) => `last("${f}") AS "${f}"`).join(', ')} FROM "broker" WHERE "source" = 'jmx' AND time > now() - 10m AND time <= now() + 1m GROUP BY "broker"`,
    );
    expect(rows.map((r) => r.broker).sort()).toEqual(lab.brokers.map((b) => String(b.id)));
    for (const row of rows) {
      const missing = fields.filter((f) => row[f] === null || row[f] === undefined);
      expect(missing, `broker ${String(row.broker)} lacks fields`).toEqual([]);
    }
    const controllers = rows.reduce((n, r) => n + Number(r.active_controller_count), 0);
    expect(controllers).toBe(1);

    const types = await influx.query<{ fieldKey: string; fieldType: string }>(
      'SHOW FIELD KEYS FROM "broker"',
    );
    expect(types.find((t) => t.fieldKey === 'leader_count')?.fieldType).toBe('integer');
    expect(types.find((t) => t.fieldKey === 'request_handler_idle_ratio')?.fieldType).toBe('float');

    const scrapes = await influx.query<{ up: number; target: string }>(
      `SELECT last("up") AS "up" FROM "scrape" WHERE time > now() - 10m AND time <= now() + 1m GROUP BY "target"`,
    );
    expect(scrapes.map((s) => s.up)).toEqual([1, 1, 1]);
    await influx.dropDatabase(database);
  });

  it('records a dead endpoint as up 0 with the reason, within the timeout', async () => {
    const source = jmxTextSource({ cluster: 'lab', broker: '9', url: 'http://127.0.0.1:1/metrics' }, index);
    const [scrape] = await runSource(source, Date.now(), 2_000, () => Date.now());
    expect(scrape?.measurement).toBe('scrape');
    expect(scrape?.fields.up).toBe(0);
    expect(String(scrape?.fields.error)).toContain('unreachable');
  });
});
