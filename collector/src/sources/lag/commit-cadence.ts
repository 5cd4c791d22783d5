/**
 * When each group's committed offsets last moved, and how long it usually goes between moves: what tells a
 * slow consumer from a stuck one. A consumer that commits at the end of each batch (kafkajs does by default)
 * and takes minutes per batch goes minutes between commits while it reads; one that is stuck goes far longer
 * than its own usual interval. Pure and bounded (the last `keep` intervals of the groups of the last read);
 * time is passed in. Restarting the collector forgets it: until a group has moved twice, its interval is
 * unknown.
 *
 * The collector sees a group once a cycle, so an interval is known only to within the gap between two
 * readings: the offsets moved after the last reading that saw them unchanged and by the one that saw them move.
 * A reading that did not happen (a cycle whose lag read failed or timed out) widens that gap: it is counted
 * only up to the group's usual gap between readings (the shortest of its last `keep`), so that a missed cycle
 * does not make a group that commits all the time look like one that commits once a minute — which would excuse
 * it from ConsumerStalled for twice as long.
 */
export interface Cadence {
  /** Seconds since the committed offsets last moved (since first seen, before any move). */
  ageS: number;
  /** The longest of its last intervals between moves; undefined until one whole interval was seen. */
  intervalS?: number;
}

interface GroupCadence {
  sum: number;
  movedAtMs?: number;
  /** When it was first seen. */
  firstSeenAtMs: number;
  /** When it was last read. */
  readAtMs: number;
  /** The last gaps between two readings of it. */
  gaps: number[];
  intervals: number[];
}

export class CommitCadence {
  private readonly groups = new Map<string, GroupCadence>();

  constructor(private readonly keep = 3) {}

  /** Records `group`'s sum of committed offsets at `nowMs` and returns its cadence. */
  observe(group: string, committedSum: number, nowMs: number): Cadence {
    const g = this.groups.get(group);
    if (g === undefined) {
      this.groups.set(group, {
        sum: committedSum,
        firstSeenAtMs: nowMs,
        readAtMs: nowMs,
        gaps: [],
        intervals: [],
      });
      return { ageS: 0 };
    }
    const gap = nowMs - g.readAtMs;
    if (gap > 0) g.gaps = [...g.gaps, gap].slice(-this.keep);
    if (committedSum !== g.sum) {
      if (g.movedAtMs !== undefined) {
        // Unchanged from its last move to its last reading; moved within the gap since, as long as usual.
        const usualGap = Math.min(...g.gaps);
        const interval = g.readAtMs - g.movedAtMs + Math.min(gap, usualGap);
        g.intervals = [...g.intervals, interval].slice(-this.keep);
      }
      g.sum = committedSum;
      g.movedAtMs = nowMs;
    }
    g.readAtMs = nowMs;
    const longest = g.intervals.length === 0 ? undefined : Math.max(...g.intervals) / 1000;
    return {
      ageS: (nowMs - (g.movedAtMs ?? g.firstSeenAtMs)) / 1000,
      ...(longest === undefined ? {} : { intervalS: longest }),
    };
  }

  /** Forgets the groups not in `present` (deleted, or no longer reported). */
  retain(present: ReadonlySet<string>): void {
    for (const name of this.groups.keys()) if (!present.has(name)) this.groups.delete(name);
  }
}
