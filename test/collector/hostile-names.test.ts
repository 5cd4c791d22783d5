import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { influxRawReader } from '../../alerter/src/query/influx.ts';
import { collectOnceFromConfig } from '../../collector/src/main.ts';
import { writeLineProtocol } from '../../collector/src/sink/influx.ts';
import { labCollectorConfig } from '../../lab/src/collector-config.ts';
import { seededRandom } from '../../lab/src/random.ts';
import { catalog } from '../../model/src/catalog.ts';
import { encodeLines } from '../../model/src/line-protocol.ts';
import { currentLab, deleteProbeTopic, labKafka, uniqueName } from '../lab/lab.ts';

// Names are data, never syntax: Kafka takes any string as a group name, and line protocol cannot carry some.
const hostile = [
  'x\ninjected v=1',
  'evil\r\nBcc: evil@attacker.invalid',
  'eq\\back',
  'trail\\',
  '50%off %0A',
  'comma,eq=space "quoted"',
  'tab\there\u0000nul\u007fdel',
  'ünïcødé ✓ 🚀',
];

/** A random name of 1–40 code points: controls, ASCII, Latin, CJK and astral planes (no lone surrogates: Kafka's strings are UTF-8). */
function randomName(next: () => number): string {
  const ranges: [number, number][] = [
    [0x00, 0x1f],
    [0x20, 0x7f],
    [0xa0, 0x2fff],
    [0x4e00, 0x9fff],
    [0xe000, 0xfffd],
    [0x1f300, 0x1faff],
  ];
  let s = '';
  const n = 1 + Math.floor(next() * 40);
  for (let i = 0; i < n; i += 1) {
    const [lo, hi] = ranges[Math.floor(next() * ranges.length)] ?? [0x61, 0x7a];
    s += String.fromCodePoint(lo + Math.floor(next() * (hi - lo + 1)));
  }
  return s;
}

describe('hostile names (real lab, real influxd)', () => {
  it('consumer groups named with newlines, CRLF, backslashes and % are stored under their names and add nothing', async () => {
    const lab = currentLab();
    const database = uniqueName('names').replaceAll('-', '_');
    const topic = uniqueName('names');
    const admin = labKafka('names-test').admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic, numPartitions: 1, replicationFactor: 3 }],
      waitForLeaders: true,
    });
    // And a name that makes a backtracking glob matcher take minutes (the catalog below owns `*a*a*a*a*a*a*a*b`).
    const groups = [...hostile.map((h, i) => `${topic}.${i}.${h}`), `${topic}.${'a'.repeat(80)}`];
    for (const groupId of groups)
      await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '0' }] });
    await admin.disconnect();

    // One cycle of the collector as configured for the lab (probe on, as shipped), with a tenants catalog whose
    // glob backtracks on the 80 `a`s (it made one cycle run past 45 s when globs were regular expressions).
    const dir = mkdtempSync(join(tmpdir(), 'lookout-names-'));
    const tenants = join(dir, 'tenants.yaml');
    writeFileSync(
      tenants,
      "tenants:\n  - name: evil\n    groups: ['*a*a*a*a*a*a*a*b']\n    topics: ['*a*a*a*a*a*a*a*b']\n",
    );
    const summary = await collectOnceFromConfig(
      { ...labCollectorConfig(lab, database, 15_000), tenants },
      process.env,
      pino({ level: 'silent' }),
    ).finally(() => {
      rmSync(dir, { recursive: true, force: true });
      return deleteProbeTopic();
    });
    expect(summary.writeErrors).toEqual([]);
    expect(summary.targets.filter((t) => !t.up && t.source === 'lag')).toEqual([]);

    const show = await fetch(
      `${lab.influx.url}/query?db=${database}&q=${encodeURIComponent('SHOW MEASUREMENTS')}`,
    );
    const measurements = (
      (await show.json()) as { results: { series?: { values: string[][] }[] }[] }
    ).results[0]?.series?.[0]?.values.map((v) => v[0]);
    expect(measurements?.filter((m) => m !== undefined && !(m in catalog))).toEqual([]);

    const read = influxRawReader({ url: lab.influx.url, database });
    const points = await read(
      'consumer_group',
      ['lag_messages_sum'],
      ['group', 'tenant'],
      summary.timeMs - 1,
      summary.timeMs,
    );
    if (points instanceof Error) throw points;
    const stored = points.map((p) => p.tags.group).filter((g) => g?.startsWith(topic) === true);
    expect(stored.sort()).toEqual([...groups].sort());
    // The glob ends in `b`: the 80 `a`s are nobody's.
    const long = points.find((p) => p.tags.group === `${topic}.${'a'.repeat(80)}`);
    expect(long?.tags.tenant ?? '').toBe('');
  });

  it('any Unicode name written as a tag reads back equal (500 random names, controls included)', async () => {
    const lab = currentLab();
    const database = uniqueName('names_prop').replaceAll('-', '_');
    await fetch(`${lab.influx.url}/query`, {
      method: 'POST',
      body: new URLSearchParams({ q: `CREATE DATABASE "${database}"` }),
    });
    const next = seededRandom(20261203);
    const names = Array.from({ length: 500 }, () => randomName(next));
    const t0 = Date.now() - 60_000;
    const { body } = encodeLines(
      names.map((group, i) => ({
        measurement: 'consumer_group',
        tags: { cluster: 'lab', group },
        fields: { lag_messages_sum: i },
        timeMs: t0 + i,
      })),
    );
    const outcome = await writeLineProtocol({ url: lab.influx.url, database }, body);
    expect(outcome).toEqual({ ok: true });
    const points = await influxRawReader({ url: lab.influx.url, database })(
      'consumer_group',
      ['lag_messages_sum'],
      ['group'],
      t0 - 1,
      t0 + names.length,
    );
    if (points instanceof Error) throw points;
    const byIndex = new Map(points.map((p) => [p.fields.lag_messages_sum, p.tags.group]));
    const wrong = names.filter((n, i) => byIndex.get(i) !== n);
    expect(wrong.map((n) => JSON.stringify(n))).toEqual([]);
    expect(points).toHaveLength(names.length);
  });
});
