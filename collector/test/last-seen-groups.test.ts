import { describe, expect, it } from 'vitest';
import type { LagSnapshot } from '../src/kafka/lag.ts';
import { noRpcs } from '../src/kafka/lag.ts';
import { LastSeenGroups } from '../src/sources/lag/last-seen-groups.ts';

const snap = (groups: string[], groupsComplete: boolean): LagSnapshot => ({
  groups: groups.map((group) => ({
    group,
    protocol: 'classic',
    state: 'Stable',
    members: 1,
    committed: [{ topic: 't', partition: 0, offset: 5 }],
  })),
  groupsComplete,
  logs: new Map(),
  leaders: new Map(),
  rpcs: noRpcs(),
  errors: [],
  notes: [],
  transactions: new Map(),
});

describe('LastSeenGroups', () => {
  it('carries a group its coordinator could not answer for, with the time of its offsets, for a bounded time', () => {
    const seen = new LastSeenGroups(60_000);
    seen.fill(snap(['a', 'b'], true), 0);
    const partial = seen.fill(snap(['a'], false), 10_000);
    expect(partial.groups.map((g) => [g.group, g.carriedSinceMs])).toEqual([
      ['a', undefined],
      ['b', 0],
    ]);
    expect(seen.fill(snap(['a'], false), 61_000).groups.map((g) => g.group)).toEqual(['a']);
  });

  it('drops a group missing from a complete read: it was deleted', () => {
    const seen = new LastSeenGroups(60_000);
    seen.fill(snap(['a', 'b'], true), 0);
    expect(seen.fill(snap(['a'], true), 1_000).groups.map((g) => g.group)).toEqual(['a']);
    expect(seen.fill(snap(['a'], false), 2_000).groups.map((g) => g.group)).toEqual(['a']);
  });
});
