import { partitionKey, readableEnd } from '../../kafka/lag.ts';
import type { LagSnapshot } from '../../kafka/lag.ts';
import { recordKey } from '../../kafka/record-times.ts';
import type { RecordAt } from '../../kafka/record-times.ts';

/**
 * The positions of consumers that are behind (the next record each will read), with the partition's leader:
 * the candidates for an `exact` lag in seconds.
 */
export function behindPositions(snap: LagSnapshot): (RecordAt & { key: string; lag: number })[] {
  const out: (RecordAt & { key: string; lag: number })[] = [];
  // Offsets already taken, by partition: several groups at one position are read once.
  const taken = new Map<string, Set<number>>();
  for (const g of snap.groups) {
    for (const c of g.committed) {
      if (c.offset < 0) continue;
      const at = partitionKey(c.topic, c.partition);
      const log = snap.logs.get(at);
      const leader = snap.leaders.get(at);
      if (log === undefined || leader === undefined) continue;
      const offset = Math.max(c.offset, log.start);
      const end = readableEnd(log);
      if (end - offset <= 0) continue;
      let offsets = taken.get(at);
      if (offsets === undefined) {
        offsets = new Set();
        taken.set(at, offsets);
      }
      if (offsets.has(offset)) continue;
      offsets.add(offset);
      const key = recordKey(c.topic, c.partition, offset);
      out.push({ topic: c.topic, partition: c.partition, offset, leader, key, lag: end - offset, end });
    }
  }
  return out;
}

/** Positions by partition key: the offsets wanted on each partition. */
export function positionsByPartition(positions: readonly RecordAt[]): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const p of positions) {
    const at = partitionKey(p.topic, p.partition);
    const offsets = out.get(at) ?? new Set<number>();
    out.set(at, offsets.add(p.offset));
  }
  return out;
}

/**
 * The snapshot's groups split in two: those none of whose positions is in `waitsOn`, and the others (a
 * position is where behindPositions puts it: the commit, or the log start when the commit is before it).
 */
export function splitGroups(
  snap: LagSnapshot,
  waitsOn: ReadonlyMap<string, ReadonlySet<number>>,
): [LagSnapshot['groups'], LagSnapshot['groups']] {
  if (waitsOn.size === 0) return [snap.groups, []];
  const now: LagSnapshot['groups'] = [];
  const later: LagSnapshot['groups'] = [];
  for (const g of snap.groups) {
    const waits = g.committed.some((c) => {
      const at = partitionKey(c.topic, c.partition);
      const offsets = waitsOn.get(at);
      const log = snap.logs.get(at);
      return offsets !== undefined && log !== undefined && offsets.has(Math.max(c.offset, log.start));
    });
    (waits ? later : now).push(g);
  }
  return [now, later];
}
