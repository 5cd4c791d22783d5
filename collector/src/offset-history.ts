/**
 * Per-partition history of (log-end offset, time) pairs, kept across cycles: the basis of produce rates and
 * of lag in seconds. Pure and bounded: at most `maxPoints` per partition and nothing older than `maxAgeMs`;
 * time is passed in.
 */

/** How a lag in seconds was obtained, recorded with the value. */
export type LagMethod = 'none' | 'interpolated' | 'extrapolated';

interface Point {
  offset: number;
  timeMs: number;
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
    // An unchanged end only moves the newest point's time: the oldest time it held that offset stays.
    if (last === undefined || last.offset !== offset || list.length === 1) list.push({ offset, timeMs });
    else last.timeMs = timeMs;
    while (
      list.length > this.maxPoints ||
      (list.length > 2 && (list[0]?.timeMs ?? timeMs) < timeMs - this.maxAgeMs)
    )
      list.shift();
  }

  /** Messages per second over the last two records, or undefined with fewer than two. */
  rate(key: string): number | undefined {
    const list = this.points.get(key);
    if (list === undefined || list.length < 2) return undefined;
    const a = list.at(-2) as Point;
    const b = list.at(-1) as Point;
    return b.timeMs > a.timeMs ? (b.offset - a.offset) / ((b.timeMs - a.timeMs) / 1000) : undefined;
  }

  /**
   * How far behind, in seconds at `nowMs`, a consumer at `committed` is: the age of the moment the log end
   * passed `committed`. Caught up (committed ≥ end) is 0. Inside the history it is interpolated between the
   * two records around it; before the history it is extrapolated at the history's average rate, and never
   * claimed older than the history allows at that rate.
   */
  lagSeconds(
    key: string,
    committed: number,
    end: number,
    nowMs: number,
  ): { seconds: number; method: LagMethod } {
    if (committed >= end) return { seconds: 0, method: 'interpolated' };
    const list = this.points.get(key);
    if (list === undefined || list.length === 0) return { seconds: 0, method: 'none' };
    const oldest = list[0] as Point;
    if (committed < oldest.offset) {
      const newest = list.at(-1) as Point;
      const spanMs = newest.timeMs - oldest.timeMs;
      const messages = newest.offset - oldest.offset;
      if (spanMs <= 0 || messages <= 0)
        return { seconds: (nowMs - oldest.timeMs) / 1000, method: 'extrapolated' };
      const atMs = oldest.timeMs - ((oldest.offset - committed) / messages) * spanMs;
      return { seconds: (nowMs - atMs) / 1000, method: 'extrapolated' };
    }
    // The first record whose offset is past `committed`: the log end passed `committed` between it and the one before.
    for (let i = 1; i < list.length; i++) {
      const after = list[i] as Point;
      if (after.offset > committed) {
        const before = list[i - 1] as Point;
        const fraction = (committed - before.offset) / (after.offset - before.offset);
        const atMs = before.timeMs + fraction * (after.timeMs - before.timeMs);
        return { seconds: Math.max(0, (nowMs - atMs) / 1000), method: 'interpolated' };
      }
    }
    // Past the newest record (the end moved since): it passed `committed` between the newest record and now.
    return { seconds: 0, method: 'interpolated' };
  }
}
