import { describe, expect, it } from 'vitest';
import { connectInflux } from '../../collector/src/sink/influx.ts';
import { currentLab, uniqueName } from '../lab/lab.ts';

describe('InfluxDB 1.x through the influx package', () => {
  it('writes points and reads them back by tag', async () => {
    const database = uniqueName('smoke').replaceAll('-', '_');
    const influx = await connectInflux({ url: currentLab().influx.url, database });
    const t0 = new Date(Date.now() - 60_000);
    await influx.writePoints([
      { measurement: 'smoke', tags: { broker: '1' }, fields: { value: 41, ratio: 0.5 }, timestamp: t0 },
      { measurement: 'smoke', tags: { broker: '2' }, fields: { value: 1, ratio: 0.25 }, timestamp: t0 },
    ]);
    const rows = await influx.query<{ sum: number; broker: string }>(
      `SELECT sum("value") FROM "smoke" WHERE time > now() - 5m AND time <= now() GROUP BY "broker"`,
    );
    expect(rows.map((r) => [r.broker, r.sum]).sort()).toEqual([
      ['1', 41],
      ['2', 1],
    ]);
    const types = await influx.query<{ fieldKey: string; fieldType: string }>('SHOW FIELD KEYS FROM "smoke"');
    expect(Object.fromEntries(types.map((t) => [t.fieldKey, t.fieldType]))).toEqual({
      ratio: 'float',
      value: 'float',
    });
    await influx.dropDatabase(database);
  });
});
