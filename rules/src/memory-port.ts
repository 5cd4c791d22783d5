import { matches } from './query.ts';
import type { QueryFunction, QueryPort, SeriesQuery, SeriesResult } from './query.ts';

/** One stored point. */
export interface MemoryPoint {
  measurement: string;
  tags: Readonly<Record<string, string>>;
  timeMs: number;
  fields: Readonly<Record<string, number>>;
}

interface Stored {
  timeMs: number;
  fields: Readonly<Record<string, number>>;
}

interface Series {
  tags: Readonly<Record<string, string>>;
  /** Group keys already computed, by the grouping tags' list. */
  keys?: Map<string, string>;
  /** Sorted by time; one point per time (a later write of the same time replaces it, as in InfluxDB). */
  points: Stored[];
}

/** Index of the first point after `fromMs`. */
function firstAfter(points: readonly Stored[], fromMs: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((points[mid]?.timeMs ?? 0) > fromMs) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** One bucket's running aggregate of each field for one function (values arrive in time order per series). */
class Bucket {
  readonly v: number[];
  readonly n: number[];
  readonly t: number[];

  constructor(fields: number) {
    this.v = new Array<number>(fields).fill(0);
    this.n = new Array<number>(fields).fill(0);
    this.t = new Array<number>(fields).fill(0);
  }

  add(fn: QueryFunction, f: number, timeMs: number, x: number): void {
    const n = this.n[f] ?? 0;
    const v = this.v[f] ?? 0;
    const t = this.t[f] ?? 0;
    this.n[f] = n + 1;
    if (n === 0) {
      this.v[f] = fn === 'count' ? 1 : x;
      this.t[f] = timeMs;
      return;
    }
    switch (fn) {
      case 'last':
        if (timeMs >= t) {
          this.v[f] = x;
          this.t[f] = timeMs;
        }
        return;
      case 'first':
        if (timeMs < t) {
          this.v[f] = x;
          this.t[f] = timeMs;
        }
        return;
      case 'max':
        if (x > v) this.v[f] = x;
        return;
      case 'min':
        if (x < v) this.v[f] = x;
        return;
      case 'count':
        this.v[f] = n + 1;
        return;
      default:
        this.v[f] = v + x; // sum, and mean's sum
    }
  }

  values(fn: QueryFunction): (number | null)[] {
    return this.v.map((v, f) => {
      const n = this.n[f] ?? 0;
      if (n === 0) return null;
      return fn === 'mean' ? v / n : v;
    });
  }
}

/**
 * The bucket of a group at a time: buckets arrive in time order for one series (appended); a second series of
 * the same group looks them up by time.
 */
function bucketAt(
  g: { times: number[]; buckets: Bucket[]; index?: Map<number, number>; series: number },
  at: number,
  width: number,
): Bucket {
  const last = g.times.length - 1;
  if (g.series === 1 && (last < 0 || (g.times[last] ?? 0) < at)) {
    g.times.push(at);
    const b = new Bucket(width);
    g.buckets.push(b);
    return b;
  }
  if (g.index === undefined) g.index = new Map(g.times.map((t, i) => [t, i]));
  const i = g.index.get(at);
  if (i !== undefined) return g.buckets[i] ?? new Bucket(width);
  g.index.set(at, g.times.length);
  g.times.push(at);
  const b = new Bucket(width);
  g.buckets.push(b);
  return b;
}

/**
 * The query port over points held in memory, indexed by measurement and series: what rule tests run on, and
 * what the alerter's window cache answers from. It reads a `SeriesQuery` the way InfluxDB reads its InfluxQL
 * (`(from, to]`, buckets aligned to the epoch, `fill(none)`), which a lab test checks against a real influxd.
 */
export class MemoryPort implements QueryPort {
  private readonly measurements = new Map<string, Map<string, Series>>();

  /** Adds points; a point at the time of an existing one of the same series replaces its fields it names. */
  add(...points: MemoryPoint[]): void {
    for (const p of points) {
      let byKey = this.measurements.get(p.measurement);
      if (byKey === undefined) {
        byKey = new Map();
        this.measurements.set(p.measurement, byKey);
      }
      const key = Object.keys(p.tags)
        .sort()
        .map((k) => `${k}=${p.tags[k] ?? ''}`)
        .join(',');
      let s = byKey.get(key);
      if (s === undefined) {
        s = { tags: p.tags, points: [] };
        byKey.set(key, s);
      }
      const last = s.points[s.points.length - 1];
      if (last === undefined || last.timeMs < p.timeMs) s.points.push({ timeMs: p.timeMs, fields: p.fields });
      else {
        const at = firstAfter(s.points, p.timeMs - 1);
        const there = s.points[at];
        if (there?.timeMs === p.timeMs)
          s.points[at] = { timeMs: p.timeMs, fields: { ...there.fields, ...p.fields } };
        else s.points.splice(at, 0, { timeMs: p.timeMs, fields: p.fields });
      }
    }
  }

  /** Forgets a measurement's points at or before `beforeMs` (and series left empty). */
  evict(measurement: string, beforeMs: number): void {
    const byKey = this.measurements.get(measurement);
    if (byKey === undefined) return;
    for (const [key, s] of byKey) {
      const keep = firstAfter(s.points, beforeMs);
      if (keep >= s.points.length) byKey.delete(key);
      else if (keep > 0) s.points = s.points.slice(keep);
    }
  }

  /** Forgets every point. */
  clear(): void {
    this.measurements.clear();
  }

  /** Points held, for the cache's own figures. */
  size(): number {
    let n = 0;
    for (const byKey of this.measurements.values()) for (const s of byKey.values()) n += s.points.length;
    return n;
  }

  run(queries: readonly SeriesQuery[]): Promise<(SeriesResult[] | Error)[]> {
    return Promise.resolve(queries.map((q) => this.answer(q)));
  }

  private answer(q: SeriesQuery): SeriesResult[] {
    const where = Object.entries(q.where);
    const width = q.fields.length;
    const fields = q.fields;
    const fn = q.fn;
    const grouping = q.groupBy.join(',');
    const groups = new Map<
      string,
      {
        key: string;
        tags: Record<string, string>;
        times: number[];
        buckets: Bucket[];
        index?: Map<number, number>;
        series: number;
      }
    >();
    for (const s of this.measurements.get(q.measurement)?.values() ?? []) {
      if (where.length > 0 && !where.every(([t, m]) => matches(s.tags[t] ?? '', m))) continue;
      const start = firstAfter(s.points, q.fromMs);
      if (start >= s.points.length || (s.points[start]?.timeMs ?? Infinity) > q.toMs) continue;
      s.keys ??= new Map();
      let key = s.keys.get(grouping);
      if (key === undefined) {
        key = q.groupBy.map((t) => s.tags[t] ?? '').join('\u0000');
        s.keys.set(grouping, key);
      }
      let g = groups.get(key);
      if (g === undefined) {
        g = {
          key,
          tags: Object.fromEntries(q.groupBy.map((t) => [t, s.tags[t] ?? ''])),
          times: [],
          buckets: [],
          series: 0,
        };
        groups.set(key, g);
      }
      g.series += 1;
      const step = q.stepMs;
      let at = Number.NaN;
      let bucket: Bucket | undefined;
      for (let i = start; i < s.points.length; i++) {
        const p = s.points[i];
        if (p === undefined || p.timeMs > q.toMs) break;
        const here = step === undefined ? q.fromMs : Math.floor(p.timeMs / step) * step;
        if (here !== at || bucket === undefined) {
          at = here;
          bucket = bucketAt(g, at, width);
        }
        const values = p.fields;
        for (let f = 0; f < width; f++) {
          const v = values[fields[f] ?? ''];
          if (v !== undefined) bucket.add(fn, f, p.timeMs, v);
        }
      }
    }
    const out: SeriesResult[] = [];
    for (const g of groups.values()) {
      const order = g.times.map((t, i) => i);
      if (g.series > 1) order.sort((a, b) => (g.times[a] ?? 0) - (g.times[b] ?? 0));
      const points = order
        .map((i) => ({ timeMs: g.times[i] ?? 0, values: g.buckets[i]?.values(fn) ?? [] }))
        .filter((p) => p.values.some((v) => v !== null));
      if (points.length > 0) out.push({ tags: g.tags, key: g.key, points });
    }
    return out;
  }
}
