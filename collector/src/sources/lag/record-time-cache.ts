/**
 * The timestamps of the records consumers are positioned at, kept while a position is still wanted: a
 * stuck consumer's record is read once, not every cycle. Pure; keys come from `recordKey`.
 */
export class RecordTimeCache {
  private known = new Map<string, number>();

  /** Of `positions`, those to read this cycle: not known yet, the largest lag first, at most `budget`. */
  toRead<T extends { key: string; lag: number }>(positions: readonly T[], budget: number): T[] {
    return positions
      .filter((p) => !this.known.has(p.key))
      .sort((a, b) => b.lag - a.lag)
      .slice(0, Math.max(0, budget));
  }

  /** Stores what was read and forgets every position no longer wanted. */
  update(read: ReadonlyMap<string, number>, wanted: ReadonlySet<string>): void {
    const next = new Map<string, number>();
    for (const key of wanted) {
      const time = read.get(key) ?? this.known.get(key);
      if (time !== undefined) next.set(key, time);
    }
    this.known = next;
  }

  get(key: string): number | undefined {
    return this.known.get(key);
  }

  get size(): number {
    return this.known.size;
  }
}
