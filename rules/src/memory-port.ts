import { matches } from './query.ts';
import type { QueryFunction, QueryPort, SeriesQuery, SeriesResult } from './query.ts';

/** One stored point. */
export interface MemoryPoint {
  measurement: string;
  tags: Readonly<Record<string, string>>;
  timeMs: number;
  fields: Readonly<Record<string, number>>;
}

function apply(fn: QueryFunction, points: readonly { timeMs: number; value: number }[]): number | null {
  if (points.length === 0) return null;
  switch (fn) {
    case 'last':
      return points.reduce((a, b) => (b.timeMs >= a.timeMs ? b : a)).value;
    case 'first':
      return points.reduce((a, b) => (b.timeMs < a.timeMs ? b : a)).value;
    case 'max':
      return points.reduce((a, b) => (b.value > a ? b.value : a), -Infinity);
    case 'min':
      return points.reduce((a, b) => (b.value < a ? b.value : a), Infinity);
    case 'sum':
      return points.reduce((a, b) => a + b.value, 0);
    case 'mean':
      return points.reduce((a, b) => a + b.value, 0) / points.length;
    case 'count':
      return points.length;
  }
}

/**
 * The query port over points held in memory: what the rule tests and unit tests evaluate against. It reads a
 * `SeriesQuery` the way InfluxDB reads its InfluxQL (`(from, to]`, buckets aligned to the epoch, `fill(none)`),
 * which a lab test checks against a real influxd.
 */
export class MemoryPort implements QueryPort {
  private readonly points: MemoryPoint[] = [];

  /** Adds points. */
  add(...points: MemoryPoint[]): void {
    this.points.push(...points);
  }

  /** Forgets every point (a scenario that resets). */
  clear(): void {
    this.points.length = 0;
  }

  run(queries: readonly SeriesQuery[]): Promise<(SeriesResult[] | Error)[]> {
    return Promise.resolve(queries.map((q) => this.answer(q)));
  }

  private answer(q: SeriesQuery): SeriesResult[] {
    const series = new Map<string, { tags: Record<string, string>; points: MemoryPoint[] }>();
    for (const p of this.points) {
      if (p.measurement !== q.measurement || p.timeMs <= q.fromMs || p.timeMs > q.toMs) continue;
      if (!Object.entries(q.where).every(([t, m]) => matches(p.tags[t] ?? '', m))) continue;
      const tags = Object.fromEntries(q.groupBy.map((t) => [t, p.tags[t] ?? '']));
      const key = JSON.stringify(tags);
      let s = series.get(key);
      if (s === undefined) {
        s = { tags, points: [] };
        series.set(key, s);
      }
      s.points.push(p);
    }
    const out: SeriesResult[] = [];
    for (const s of series.values()) {
      const buckets = new Map<number, MemoryPoint[]>();
      for (const p of s.points) {
        const at = q.stepMs === undefined ? q.fromMs : Math.floor(p.timeMs / q.stepMs) * q.stepMs;
        const bucket = buckets.get(at);
        if (bucket === undefined) buckets.set(at, [p]);
        else bucket.push(p);
      }
      const points = [...buckets.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([timeMs, ps]) => ({
          timeMs,
          values: q.fields.map((f) =>
            apply(
              q.fn,
              ps.flatMap((p) =>
                p.fields[f] === undefined ? [] : [{ timeMs: p.timeMs, value: p.fields[f] }],
              ),
            ),
          ),
        }))
        .filter((p) => p.values.some((v) => v !== null));
      if (points.length > 0) out.push({ tags: s.tags, points });
    }
    return out;
  }
}
