import { MemoryPort } from '../../../rules/src/memory-port.ts';
import { measurementTags, StoreUnreachable } from '../../../rules/src/query.ts';
import type { QueryPort, SeriesQuery, SeriesResult } from '../../../rules/src/query.ts';
import type { RawReader } from './influx.ts';

/** How the window cache reads. */
export interface WindowCacheOptions {
  /** Each read goes back this far before the last one ended, for points that landed late. */
  overlapMs: number;
  /** A measurement is read whole again this often (and after the store was unreachable). */
  refreshEveryMs: number;
  clock: () => number;
}

interface Coverage {
  fromMs: number;
  toMs: number;
  fields: Set<string>;
  fullAt: number;
}

/** What the cache did in its last batch, for the benchmark and /metrics. */
export interface CacheStats {
  fullReads: number;
  deltaReads: number;
  pointsRead: number;
  pointsHeld: number;
  readMs: number;
}

/**
 * A query port that keeps, per measurement, the points of the widest window the rules need, and feeds itself
 * with raw, time-bounded reads of what is new (plus an overlap for late points). Queries are then answered in
 * memory with InfluxQL's semantics (MemoryPort, checked against influxd). InfluxDB 1.x pays per series for every
 * aggregate it runs; reading raw points once and reducing them here is what keeps a 6,000-group pack under a
 * second (docs/adr/0003).
 */
export function windowCachePort(read: RawReader, o: WindowCacheOptions): QueryPort & { stats(): CacheStats } {
  const memory = new MemoryPort();
  const coverage = new Map<string, Coverage>();
  let stats: CacheStats = { fullReads: 0, deltaReads: 0, pointsRead: 0, pointsHeld: 0, readMs: 0 };

  const refresh = async (
    measurement: string,
    need: { fromMs: number; toMs: number; fields: Set<string> },
  ): Promise<Error | undefined> => {
    const have = coverage.get(measurement);
    const now = o.clock();
    const full =
      have === undefined ||
      need.fromMs < have.fromMs ||
      need.toMs < have.toMs ||
      [...need.fields].some((f) => !have.fields.has(f)) ||
      now - have.fullAt >= o.refreshEveryMs;
    const fromMs = full ? need.fromMs : Math.max(need.fromMs, have.toMs - o.overlapMs);
    const tags = measurementTags(measurement);
    const points = await read(measurement, [...need.fields], tags, fromMs, need.toMs);
    if (points instanceof Error) {
      coverage.delete(measurement);
      return points;
    }
    if (full) memory.evict(measurement, Infinity);
    memory.add(...points);
    memory.evict(measurement, need.fromMs);
    coverage.set(measurement, {
      fromMs: need.fromMs,
      toMs: need.toMs,
      fields: need.fields,
      fullAt: full ? now : (have?.fullAt ?? now),
    });
    stats[full ? 'fullReads' : 'deltaReads'] += 1;
    stats.pointsRead += points.length;
    return undefined;
  };

  return {
    stats: () => stats,
    async run(queries: readonly SeriesQuery[]): Promise<(SeriesResult[] | Error)[]> {
      stats = { fullReads: 0, deltaReads: 0, pointsRead: 0, pointsHeld: 0, readMs: 0 };
      const needs = new Map<string, { fromMs: number; toMs: number; fields: Set<string> }>();
      for (const q of queries) {
        const n = needs.get(q.measurement) ?? { fromMs: q.fromMs, toMs: q.toMs, fields: new Set<string>() };
        n.fromMs = Math.min(n.fromMs, q.fromMs);
        n.toMs = Math.max(n.toMs, q.toMs);
        for (const f of q.fields) n.fields.add(f);
        needs.set(q.measurement, n);
      }
      const started = o.clock();
      const failed = new Map<string, Error>();
      try {
        await Promise.all(
          [...needs].map(async ([m, need]) => {
            const err = await refresh(m, need);
            if (err !== undefined) failed.set(m, err);
          }),
        );
      } catch (err) {
        if (err instanceof StoreUnreachable) {
          coverage.clear();
          memory.clear();
        }
        throw err;
      }
      stats.readMs = o.clock() - started;
      stats.pointsHeld = memory.size();
      const answers = await memory.run(queries);
      return answers.map((a, i) => failed.get(queries[i]?.measurement ?? '') ?? a);
    },
  };
}
