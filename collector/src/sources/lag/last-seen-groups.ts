import type { GroupOffsets, LagSnapshot } from '../../kafka/lag.ts';

/**
 * Keeps each group's last read offsets, so a group whose coordinator is down (a dead broker, until its
 * offsets partition fails over) is still reported — with the last offsets it committed, against fresh log
 * ends, and their age — for at most `maxAgeMs`. Only when the read was incomplete: a group missing from a
 * complete read was deleted. Pure; time passed in.
 */
export class LastSeenGroups {
  private readonly seen = new Map<string, { group: GroupOffsets; atMs: number }>();

  constructor(private readonly maxAgeMs = 10 * 60_000) {}

  /** `snap` with the groups it could not read filled in from earlier reads. */
  fill(snap: LagSnapshot, nowMs: number): LagSnapshot {
    const present = new Set(snap.groups.map((g) => g.group));
    for (const g of snap.groups) this.seen.set(g.group, { group: g, atMs: nowMs });
    const carried: GroupOffsets[] = [];
    for (const [name, { group, atMs }] of this.seen) {
      if (present.has(name)) continue;
      if (snap.groupsComplete || nowMs - atMs > this.maxAgeMs) this.seen.delete(name);
      else carried.push({ ...group, carriedSinceMs: atMs });
    }
    return carried.length === 0 ? snap : { ...snap, groups: [...snap.groups, ...carried] };
  }
}
