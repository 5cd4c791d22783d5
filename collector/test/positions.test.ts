import { describe, expect, it } from 'vitest';
import { noRpcs, partitionKey } from '../src/kafka/lag.ts';
import type { GroupOffsets, LagSnapshot } from '../src/kafka/lag.ts';
import { behindPositions, positionsByPartition, splitGroups } from '../src/sources/lag/positions.ts';

const leader = { nodeId: 1, host: 'b1', port: 9092 };
const group = (name: string, committed: GroupOffsets['committed']): GroupOffsets => ({
  group: name,
  protocol: 'classic',
  state: 'Stable',
  members: 1,
  committed,
});
const snap: LagSnapshot = {
  groups: [
    group('reader', [{ topic: 'orders', partition: 0, offset: 90 }]),
    group('twin', [{ topic: 'orders', partition: 0, offset: 90 }]), // the same position: read once
    group('late', [{ topic: 'orders', partition: 1, offset: 3 }]), // before the log start (10): read there
    group('done', [{ topic: 'orders', partition: 2, offset: 8 }]), // caught up: nothing to read
    group('new', [{ topic: 'orders', partition: 2, offset: -1 }]), // nothing committed
  ],
  logs: new Map([
    [partitionKey('orders', 0), { start: 0, end: 100 }],
    [partitionKey('orders', 1), { start: 10, end: 50 }],
    [partitionKey('orders', 2), { start: 0, end: 8 }],
  ]),
  leaders: new Map([0, 1, 2].map((p) => [partitionKey('orders', p), leader])),
  groupsComplete: true,
  rpcs: noRpcs(),
  errors: [],
  notes: [],
  transactions: new Map(),
};

describe('positions behind', () => {
  const positions = behindPositions(snap);

  it('lists each position behind once, at the log start when the commit is before it', () => {
    expect(positions.map((p) => `${p.topic}/${p.partition}@${p.offset} lag ${p.lag}`)).toEqual([
      'orders/0@90 lag 10',
      'orders/1@10 lag 40',
    ]);
  });

  it('splits the groups into those that wait on none of the positions read and those that wait on one', () => {
    const read = positions.filter((p) => p.partition === 1);
    const [now, later] = splitGroups(snap, positionsByPartition(read));
    expect(now.map((g) => g.group)).toEqual(['reader', 'twin', 'done', 'new']);
    expect(later.map((g) => g.group)).toEqual(['late']);
    const [all, none] = splitGroups(snap, positionsByPartition([]));
    expect([all.length, none.length]).toEqual([5, 0]);
    const [, both] = splitGroups(snap, positionsByPartition(positions));
    expect(both.map((g) => g.group)).toEqual(['reader', 'twin', 'late']);
  });
});
