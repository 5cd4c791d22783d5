import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { influxQueryPort } from '../../alerter/src/query/influx.ts';
import { connectInflux, writeLineProtocol } from '../../collector/src/sink/influx.ts';
import { evaluateRules } from '../../rules/src/evaluate.ts';
import { loadRules } from '../../rules/src/load.ts';
import { MemoryPort } from '../../rules/src/memory-port.ts';
import { readTestFile } from '../../rules/src/test-runner.ts';
import { catalog } from '../../model/src/catalog.ts';
import type { MeasurementSpec } from '../../model/src/catalog.ts';
import { encodeLines } from '../../model/src/line-protocol.ts';
import type { MemoryPoint } from '../../rules/src/memory-port.ts';
import { StoreUnreachable } from '../../rules/src/query.ts';
import type { QueryFunction, SeriesQuery, SeriesResult } from '../../rules/src/query.ts';
import { currentLab, uniqueName } from '../lab/lab.ts';

const base = 1_700_000_000_000;
const points: MemoryPoint[] = [];
for (let i = 0; i < 40; i++) {
  for (const [broker, source] of [
    ['1', 'jmx'],
    ['2', 'jmx'],
    ['2', 'jolokia'],
    ['3', 'jmx'],
  ] as const) {
    const fields: Record<string, number> = {
      leader_count: (i * 7 + Number(broker) * 13) % 23,
      active_controller_count: broker === '3' ? 0 : 1,
    };
    if (i % 3 !== 0)
      fields.request_handler_idle_ratio = broker === '3' ? 0.1 : ((i + Number(broker)) % 10) / 10;
    points.push({
      measurement: 'broker',
      tags: { cluster: broker === '3' ? 'b' : 'a', broker, source },
      timeMs: base + i * 15_000 + Number(broker) * 1_000,
      fields,
    });
  }
}

/** Outcomes with each rule's instances in label order: the ports may list the same instances differently. */
const inOrder = (outcomes: Awaited<ReturnType<typeof evaluateRules>>) =>
  [...outcomes].map(([rule, o]) => [
    rule,
    o.ok
      ? {
          ...o,
          instances: [...o.instances].sort((a, b) =>
            JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels)),
          ),
        }
      : o,
  ]);

/** A rule test's point as InfluxDB holds it once the collector's encoder wrote it: shifted to the test's base time, integer fields whole. */
const asStored = (p: MemoryPoint): MemoryPoint => {
  const spec = (catalog as Record<string, MeasurementSpec | undefined>)[p.measurement];
  return {
    ...p,
    timeMs: base + p.timeMs,
    fields: Object.fromEntries(
      Object.entries(p.fields).map(([k, v]) => [k, spec?.fields[k]?.type === 'integer' ? Math.round(v) : v]),
    ),
  };
};

const line = (p: MemoryPoint): string =>
  `${p.measurement},${Object.entries(p.tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(',')} ${Object.entries(p.fields)
    .map(([k, v]) => `${k}=${Number.isInteger(v) && k !== 'request_handler_idle_ratio' ? `${v}i` : v}`)
    .join(',')} ${p.timeMs}`;

const sorted = (rs: SeriesResult[]) =>
  rs
    .map((s) => ({
      tags: s.tags,
      points: s.points.map((p) => ({
        timeMs: p.timeMs,
        values: p.values.map((v) => (v === null ? null : Number(v.toFixed(9)))),
      })),
    }))
    .sort((a, b) => JSON.stringify(a.tags).localeCompare(JSON.stringify(b.tags)));

describe('the in-memory query port reads queries as InfluxDB does', () => {
  const lab = currentLab();
  const database = uniqueName('ports').replaceAll('-', '_');
  const memory = new MemoryPort();
  memory.add(...points);
  const influx = influxQueryPort({ url: lab.influx.url, database });

  it('answers every function, step, filter and grouping the same as a real influxd', async () => {
    const client = await connectInflux({ url: lab.influx.url, database });
    const written = await writeLineProtocol({ url: lab.influx.url, database }, points.map(line).join('\n'));
    expect(written).toEqual({ ok: true });
    const queries: SeriesQuery[] = [];
    const fns: QueryFunction[] = ['last', 'first', 'max', 'min', 'mean', 'sum', 'count'];
    for (const fn of fns)
      for (const stepMs of [undefined, 60_000, 45_000])
        queries.push({
          measurement: 'broker',
          fields: ['leader_count', 'request_handler_idle_ratio'],
          fn,
          where: {},
          fromMs: base + 100_000,
          toMs: base + 500_000,
          ...(stepMs === undefined ? {} : { stepMs }),
          groupBy: ['cluster', 'broker'],
        });
    const filters: SeriesQuery['where'][] = [
      { broker: '2' },
      { broker: { re: '^[13]$' } },
      { source: { not: 'jmx' } },
      { broker: { in: ['1', '3'] } },
      { zone: { not: 'x' } },
    ];
    for (const where of filters)
      queries.push({
        measurement: 'broker',
        fields: ['leader_count'],
        fn: 'last',
        where,
        fromMs: base,
        toMs: base + 600_000,
        groupBy: ['cluster', 'broker', 'zone'],
      });
    const [a, b] = await Promise.all([memory.run(queries), influx.run(queries)]);
    for (const [i, q] of queries.entries()) {
      const m = a[i];
      const r = b[i];
      if (m instanceof Error || r instanceof Error || m === undefined || r === undefined)
        throw new Error(
          `query ${i} failed: ${r instanceof Error ? r.message : m instanceof Error ? m.message : 'no answer'}`,
        );
      // Without a step InfluxDB stamps an aggregate with the range start and a selector with its point: neither is read.
      const drop = (rs: SeriesResult[]) =>
        sorted(rs).map((s) =>
          q.stepMs === undefined ? { ...s, points: s.points.map((p) => ({ ...p, timeMs: 0 })) } : s,
        );
      expect(drop(m), JSON.stringify(q)).toEqual(drop(r));
    }
    await client.dropDatabase(database);
  });

  it("decides the default pack the same way over both ports, on the pack's own test data where every rule holds", async () => {
    // Every test of rules/kafka/*.test.yaml, its series written through the collector's encoder into its own
    // database and into the in-memory port, the whole pack evaluated over both at each time the test checks.
    const pack = 'rules/kafka';
    const { rules } = loadRules([pack]);
    const held = new Set<string>();
    let evaluations = 0;
    let n = 0;
    for (const file of readdirSync(pack).filter((f) => f.endsWith('.test.yaml'))) {
      const read = readTestFile(join(pack, file));
      if (!read.ok) throw new Error(read.errors.map((e) => `${e.file}:${e.line}: ${e.message}`).join('\n'));
      for (const c of read.cases) {
        const db = `${database}_pack${n++}`;
        const stored = c.points.map(asStored);
        const client = await connectInflux({ url: lab.influx.url, database: db });
        expect(
          await writeLineProtocol({ url: lab.influx.url, database: db }, encodeLines(stored).body),
        ).toEqual({
          ok: true,
        });
        const memory = new MemoryPort();
        for (const p of stored) memory.add(p);
        const port = influxQueryPort({ url: lab.influx.url, database: db });
        for (const t of c.checkTimes) {
          const now = base + t;
          const [m, r] = await Promise.all([
            evaluateRules(rules, memory, now, read.thresholds),
            evaluateRules(rules, port, now, read.thresholds),
          ]);
          const where = `${file}, "${c.name}", at ${t / 1000} s`;
          expect(
            [...r.entries()].filter(([, o]) => !o.ok),
            where,
          ).toEqual([]);
          expect(inOrder(r), where).toEqual(inOrder(m));
          for (const [rule, o] of m) if (o.ok && o.instances.length > 0) held.add(rule);
          evaluations += 1;
        }
        await client.dropDatabase(db);
      }
    }
    console.log(
      `the pack over both ports: ${evaluations} evaluations of ${rules.length} rules on ${n} tests' data`,
    );
    // Not one rule agrees only because neither port saw anything for it.
    expect(rules.map((r) => r.alert).filter((a) => !held.has(a))).toEqual([]);
  }, 180_000);

  it("counts the points of one time (a cycle's targets landed so far) as the watch reads it", async () => {
    const db = `${database}_landed`;
    const client = await connectInflux({ url: lab.influx.url, database: db });
    try {
      const at = base + 15_000;
      const line = (target: string, source: string, ms: number): string =>
        `scrape,cluster=a,target=${target},source=${source} duration_ms=5 ${ms}`;
      const write = async (lines: string[]) =>
        expect(await writeLineProtocol({ url: lab.influx.url, database: db }, lines.join('\n'))).toEqual({
          ok: true,
        });
      await write([
        line('t1', 'jmx', at - 15_000),
        line('t1', 'jmx', at),
        line('t2', 'lag', at),
        line('b1', 'liveness', at),
      ]);
      const port = influxQueryPort({ url: lab.influx.url, database: db });
      const cycles = `"source" != 'liveness'`;
      expect(await port.countAt('scrape', 'duration_ms', at, cycles)).toBe(2);
      await write([line('t3', 'jolokia', at), line('t1', 'jmx', at + 1)]);
      expect(await port.countAt('scrape', 'duration_ms', at, cycles)).toBe(3);
      expect(await port.countAt('scrape', 'duration_ms', at + 7, cycles)).toBe(0);
    } finally {
      await client.dropDatabase(db);
    }
  });

  it('rejects with StoreUnreachable when nothing listens', async () => {
    const closed = influxQueryPort({ url: 'http://127.0.0.1:9', database, timeoutMs: 2_000 });
    await expect(
      closed.run([
        { measurement: 'broker', fields: ['x'], fn: 'last', where: {}, fromMs: 0, toMs: 1, groupBy: [] },
      ]),
    ).rejects.toBeInstanceOf(StoreUnreachable);
  });
});
