/**
 * When each group's committed offsets last moved, and how long it usually goes between moves: what tells a
 * slow consumer from a stuck one. A consumer that commits at the end of each batch (kafkajs does by default)
 * and takes minutes per batch goes minutes between commits while it reads; one that is stuck goes far longer
 * than its own usual interval. Pure and bounded (the last `keep` intervals of the groups of the last read);
 * time is passed in. Restarting the collector forgets it: until a group has moved twice, its interval is
 * unknown.
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
  seenAtMs: number;
  intervals: number[];
}

export class CommitCadence {
  private readonly groups = new Map<string, GroupCadence>();

  constructor(private readonly keep = 3) {}

  /** Records `group`'s sum of committed offsets at `nowMs` and returns its cadence. */
  observe(group: string, committedSum: number, nowMs: number): Cadence {
    const g = this.groups.get(group);
    if (g === undefined) {
      this.groups.set(group, { sum: committedSum, seenAtMs: nowMs, intervals: [] });
      return { ageS: 0 };
    }
    if (committedSum !== g.sum) {
      if (g.movedAtMs !== undefined) g.intervals = [...g.intervals, nowMs - g.movedAtMs].slice(-this.keep);
      g.sum = committedSum;
      g.movedAtMs = nowMs;
    }
    const longest = g.intervals.length === 0 ? undefined : Math.max(...g.intervals) / 1000;
    return {
      ageS: (nowMs - (g.movedAtMs ?? g.seenAtMs)) / 1000,
      ...(longest === undefined ? {} : { intervalS: longest }),
    };
  }

  /** Forgets the groups not in `present` (deleted, or no longer reported). */
  retain(present: ReadonlySet<string>): void {
    for (const name of this.groups.keys()) if (!present.has(name)) this.groups.delete(name);
  }
}
