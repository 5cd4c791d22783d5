import { describe, expect, it } from 'vitest';
import { influxQueryPort, influxRawReader } from '../../alerter/src/query/influx.ts';
import type { InfluxSource } from '../../alerter/src/query/influx.ts';
import { windowCachePort } from '../../alerter/src/query/window-cache.ts';
import { connectInflux, writeLineProtocol } from '../../collector/src/sink/influx.ts';
import { encodeLines } from '../../model/src/line-protocol.ts';
import type { Sample } from '../../model/src/sample.ts';
import { StoreUnreachable } from '../../rules/src/query.ts';
import type { QueryFunction, QueryPort, SeriesQuery, SeriesResult } from '../../rules/src/query.ts';
import { seededRandom } from '../../lab/src/random.ts';
import { currentLab, uniqueName } from '../lab/lab.ts';

// The window cache (the alerter's production port) against the direct InfluxQL port, on one real influxd, over
// a moving window: points arriving each cycle, some late, some rewritten, series appearing and going, queries
// whose windows, fields and steps change from one evaluation to the next. The cache must answer as InfluxDB does.

const cycleMs = 15_000;
const overlapMs = 30_000;
const refreshEveryMs = 120_000;

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;

/** One cycle's points, stamped in the cycle before `nowMs`; `late` of them stamped up to the overlap earlier. */
function cyclePoints(rnd: () => number, nowMs: number, cycle: number): Sample[] {
  const out: Sample[] = [];
  const brokers = cycle > 12 && cycle < 25 ? ['1', '2', '3', '4'] : ['1', '2', '3'];
  const stamp = (): number => {
    const late = rnd() < 0.2;
    // A late point is written now but stamped earlier, yet after the cache's last read minus its overlap.
    const back = late
      ? cycleMs + Math.floor(rnd() * (overlapMs - cycleMs - 1_000))
      : Math.floor(rnd() * cycleMs);
    return nowMs - back;
  };
  for (const broker of brokers) {
    if (rnd() < 0.1) continue; // a missed scrape
    out.push({
      measurement: 'broker',
      tags: { cluster: broker === '3' ? 'b' : 'a', broker, source: 'jmx' },
      timeMs: stamp(),
      fields: {
        leader_count: Math.floor(rnd() * 40),
        request_queue_size: Math.floor(rnd() * 5),
        ...(rnd() < 0.7 ? { request_handler_idle_ratio: Math.round(rnd() * 1000) / 1000 } : {}),
      },
    });
  }
  for (const group of ['billing', 'refunds', 'search']) {
    if (group === 'refunds' && cycle > 30) continue; // a group that went away
    out.push({
      measurement: 'consumer_group',
      tags: { cluster: 'a', group, tenant: group === 'search' ? 'catalog' : 'payments' },
      timeMs: stamp(),
      fields: { lag_messages_sum: Math.floor(rnd() * 10_000), members: Math.floor(rnd() * 4) },
    });
  }
  return out;
}

const fns: QueryFunction[] = ['last', 'first', 'max', 'min', 'mean', 'sum', 'count'];

/** One evaluation's queries: windows, fields, steps, filters and groupings drawn afresh. */
function evaluationQueries(rnd: () => number, nowMs: number, cycle: number): SeriesQuery[] {
  const queries: SeriesQuery[] = [];
  const brokerFields = [
    'leader_count',
    'request_handler_idle_ratio',
    ...(cycle > 8 ? ['request_queue_size'] : []),
  ];
  for (let i = 0; i < 6; i++) {
    const windowMs = pick(rnd, [60_000, 120_000, 300_000, 600_000]);
    const stepMs = pick(rnd, [undefined, 30_000, 60_000, 45_000]);
    const broker = rnd() < 0.5;
    queries.push({
      measurement: broker ? 'broker' : 'consumer_group',
      fields: broker
        ? brokerFields.filter((_, k) => k === 0 || rnd() < 0.6)
        : ['lag_messages_sum', ...(rnd() < 0.5 ? ['members'] : [])],
      fn: pick(rnd, fns),
      where: broker
        ? pick<SeriesQuery['where']>(rnd, [
            {},
            { broker: { re: '^[12]$' } },
            { cluster: 'a' },
            { broker: { in: ['2', '4'] } },
          ])
        : pick<SeriesQuery['where']>(rnd, [{}, { tenant: 'payments' }, { group: { not: 'search' } }]),
      fromMs: nowMs - windowMs,
      toMs: nowMs,
      ...(stepMs === undefined ? {} : { stepMs }),
      groupBy: broker ? pick(rnd, [['cluster', 'broker'], ['cluster'], []]) : ['cluster', 'group', 'tenant'],
    });
  }
  return queries;
}

/** Answers in a comparable form: series sorted, values rounded to 9 places, no-step stamps dropped. */
function comparable(q: SeriesQuery, rs: SeriesResult[] | Error): unknown {
  if (rs instanceof Error) return `error: ${rs.message}`;
  return rs
    .map((s) => ({
      tags: s.tags,
      points: s.points.map((p) => ({
        // Without a step InfluxDB stamps an aggregate with the range start and a selector with its point.
        timeMs: q.stepMs === undefined ? 0 : p.timeMs,
        values: p.values.map((v) => (v === null ? null : Number(v.toFixed(9)))),
      })),
    }))
    .sort((a, b) => JSON.stringify(a.tags).localeCompare(JSON.stringify(b.tags)));
}

async function sameAnswers(
  cache: QueryPort,
  direct: QueryPort,
  queries: SeriesQuery[],
  where: string,
): Promise<void> {
  const [c, d] = await Promise.all([cache.run(queries), direct.run(queries)]);
  for (const [i, q] of queries.entries())
    expect(comparable(q, c[i] ?? new Error('no answer')), `${where}: ${JSON.stringify(q)}`).toEqual(
      comparable(q, d[i] ?? new Error('no answer')),
    );
}

async function withDatabase(use: (source: InfluxSource) => Promise<void>): Promise<void> {
  const url = currentLab().influx.url;
  const database = uniqueName('cache').replaceAll('-', '_');
  const client = await connectInflux({ url, database });
  try {
    await use({ url, database });
  } finally {
    await client.dropDatabase(database);
  }
}

async function write(source: InfluxSource, samples: Sample[]): Promise<void> {
  if (samples.length === 0) return;
  expect(await writeLineProtocol(source, encodeLines(samples).body)).toEqual({ ok: true });
}

describe('the window cache answers as InfluxDB does', () => {
  const start = 1_700_000_000_000;

  it.each([1, 2, 3])(
    'over a moving window with late and rewritten points, changing queries (seed %i)',
    async (seed) => {
      await withDatabase(async (source) => {
        const rnd = seededRandom(seed);
        let now = start;
        const cache = windowCachePort(influxRawReader(source), {
          overlapMs,
          refreshEveryMs,
          clock: () => now,
        });
        const direct = influxQueryPort(source);
        const written: Sample[] = [];
        let deltas = 0;
        for (let cycle = 0; cycle < 45; cycle++) {
          now += cycleMs;
          const fresh = cyclePoints(rnd, now, cycle);
          // Now and then a point already written inside the overlap is written again with other values.
          const recent = written.filter(
            (p) => p.measurement === 'broker' && p.timeMs > now - cycleMs - overlapMs + 1_000,
          );
          if (recent.length > 0 && rnd() < 0.3) {
            const old = pick(rnd, recent);
            fresh.push({ ...old, fields: { ...old.fields, leader_count: 999 } });
          }
          await write(source, fresh);
          written.push(...fresh);
          await sameAnswers(
            cache,
            direct,
            evaluationQueries(rnd, now, cycle),
            `seed ${seed}, cycle ${cycle}`,
          );
          deltas += cache.stats().deltaReads;
        }
        // The incremental path was the one mostly taken, not a full read every time.
        expect(deltas).toBeGreaterThan(20);
      });
    },
    120_000,
  );

  it('a point later than the overlap is in the answer after the next full read; the store back after an outage is read whole', async () => {
    await withDatabase(async (source) => {
      let now = start;
      let down = false;
      const real = influxRawReader(source);
      const cache = windowCachePort(
        (...args) => (down ? Promise.reject(new StoreUnreachable('influxd stopped')) : real(...args)),
        { overlapMs, refreshEveryMs, clock: () => now },
      );
      const direct = influxQueryPort(source);
      const queries = (): SeriesQuery[] => [
        {
          measurement: 'broker',
          fields: ['leader_count'],
          fn: 'sum',
          where: {},
          fromMs: now - 600_000,
          toMs: now,
          groupBy: ['broker'],
        },
      ];
      const point = (timeMs: number, leaders: number): Sample => ({
        measurement: 'broker',
        tags: { cluster: 'a', broker: '1', source: 'jmx' },
        timeMs,
        fields: { leader_count: leaders },
      });
      for (let i = 0; i < 4; i++) {
        now += cycleMs;
        await write(source, [point(now - 1_000, 10)]);
        await sameAnswers(cache, direct, queries(), `warm-up ${i}`);
      }
      // Stamped 90 s back: older than the cache's last read minus its overlap, so a delta read misses it.
      await write(source, [point(now - 90_000, 1_000)]);
      const lateAt = now;
      let caughtUpAfterMs: number | undefined;
      while (now - lateAt <= refreshEveryMs + cycleMs) {
        now += cycleMs;
        await write(source, [point(now - 1_000, 10)]);
        const [c] = await cache.run(queries());
        if (cache.stats().fullReads > 0) {
          await sameAnswers(cache, direct, queries(), 'after the full read');
          caughtUpAfterMs = now - lateAt;
          break;
        }
        expect(c).not.toBeInstanceOf(Error);
      }
      expect(caughtUpAfterMs).toBeDefined();
      expect(caughtUpAfterMs).toBeLessThanOrEqual(refreshEveryMs + cycleMs);

      // The store unreachable for two cycles, points written meanwhile: the first read after is whole.
      down = true;
      for (let i = 0; i < 2; i++) {
        now += cycleMs;
        await write(source, [point(now - 1_000, 20 + i)]);
        await expect(cache.run(queries())).rejects.toBeInstanceOf(StoreUnreachable);
      }
      down = false;
      now += cycleMs;
      await sameAnswers(cache, direct, queries(), 'the first read after the outage');
      expect(cache.stats().fullReads).toBe(1);
    });
  }, 60_000);
});
