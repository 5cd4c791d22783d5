/**
 * Per-partition history of (log-end offset, time) pairs, kept across cycles: the basis of produce rates and
 * of lag in seconds. Pure and bounded: at most `maxPoints` per partition and nothing older than `maxAgeMs`;
 * time is passed in.
 */

/** How a lag in seconds was obtained, recorded with the value. */
export type LagMethod = 'none' | 'interpolated' | 'extrapolated';

interface Point {
  offset: number;
  /** When the end was first seen at this offset: the records up to it had all arrived by then. */
  firstMs: number;
  /** When it was last seen there: the records after it had not arrived yet. */
  lastMs: number;
}

export class OffsetHistory {
  private readonly points = new Map<string, Point[]>();

  constructor(
    private readonly maxPoints = 360,
    private readonly maxAgeMs = 6 * 3_600_000,
  ) {}

  /** Records a partition's log-end offset at `timeMs`. A reset (offset going down: topic recreated) starts over. */
  record(key: string, offset: number, timeMs: number): void {
    let list = this.points.get(key);
    if (list === undefined || (list.at(-1)?.offset ?? 0) > offset) {
      list = [];
      this.points.set(key, list);
    }
    const last = list.at(-1);
    // An unchanged end is one point seen from `firstMs` to `lastMs`: a burst stays dated to when it arrived,
    // however long the end then stands still.
    if (last !== undefined && last.offset === offset) last.lastMs = timeMs;
    else list.push({ offset, firstMs: timeMs, lastMs: timeMs });
    while (
      list.length > this.maxPoints ||
      (list.length > 2 && (list[0]?.lastMs ?? timeMs) < timeMs - this.maxAgeMs)
    )
      list.shift();
  }

  /** Messages per second between the last two readings, or undefined with fewer than two. */
  rate(key: string): number | undefined {
    const list = this.points.get(key);
    const b = list?.at(-1);
    if (list === undefined || b === undefined) return undefined;
    // The end stood still since it was first seen at its offset: no messages in the latest interval.
    if (b.lastMs > b.firstMs) return 0;
    const a = list.at(-2);
    if (a === undefined || b.firstMs <= a.lastMs) return undefined;
    return (b.offset - a.offset) / ((b.firstMs - a.lastMs) / 1000);
  }

  /**
   * How far behind, in seconds at `nowMs`, a consumer at `committed` is: the age of the moment the log end
   * passed `committed`. Caught up (committed ≥ end) is 0. Inside the history it is interpolated over the
   * interval in which the records around it arrived (after the end was last seen below it, by the time it was
   * first seen past it); before the history it is extrapolated at the history's average rate.
   */
  lagSeconds(
    key: string,
    committed: number,
    end: number,
    nowMs: number,
  ): { seconds: number; method: LagMethod } {
    if (committed >= end) return { seconds: 0, method: 'interpolated' };
    const list = this.points.get(key);
    const oldest = list?.[0];
    if (list === undefined || oldest === undefined) return { seconds: 0, method: 'none' };
    if (committed < oldest.offset) {
      const newest = list.at(-1) as Point;
      const spanMs = newest.firstMs - oldest.firstMs;
      const messages = newest.offset - oldest.offset;
      if (spanMs <= 0 || messages <= 0)
        return { seconds: (nowMs - oldest.firstMs) / 1000, method: 'extrapolated' };
      const atMs = oldest.firstMs - ((oldest.offset - committed) / messages) * spanMs;
      return { seconds: (nowMs - atMs) / 1000, method: 'extrapolated' };
    }
    // Past the newest reading (the end moved since) it passed `committed` between that reading and now: 0.
    const arrived = this.arrival(key, committed);
    return {
      seconds: arrived === undefined ? 0 : Math.max(0, (nowMs - arrived.estimateMs) / 1000),
      method: 'interpolated',
    };
  }

  /**
   * When the record at `offset` reached the log, by the history: not before `earliestMs` (the end was last seen
   * below it then) and, as interpolated, at `estimateMs`; undefined outside the history. What `exact` lag
   * checks a record's CreateTime against: a record produced long before it reached the log (a producer that
   * fell behind) is not its consumer's delay.
   */
  arrival(key: string, offset: number): { earliestMs: number; estimateMs: number } | undefined {
    const list = this.points.get(key);
    if (list === undefined || list.length < 2) return undefined;
    // The first reading past `offset`: the end passed it after the reading before was last seen, and by the
    // time this one was first seen. Offsets only grow along the list: a binary search (up to 360 readings, for
    // each of a cycle's 100,000s of committed partitions).
    let lo = 1;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((list[mid] as Point).offset > offset) hi = mid;
      else lo = mid + 1;
    }
    if (lo === list.length) return undefined;
    const after = list[lo] as Point;
    const before = list[lo - 1] as Point;
    if (offset < before.offset) return undefined; // before the history
    const fraction = (offset - before.offset) / (after.offset - before.offset);
    return {
      earliestMs: before.lastMs,
      estimateMs: before.lastMs + fraction * (after.firstMs - before.lastMs),
    };
  }
}
