import { describe, expect, it } from 'vitest';
import { FleetOwnership, fleetUnits, unitOf } from '../src/fleet.ts';
import type { Source } from '../src/source.ts';

const source = (cluster: string, kind: Source['kind'], target: string, broker?: string): Source => ({
  cluster,
  kind,
  target,
  ...(broker === undefined ? {} : { broker }),
  collect: () => Promise.resolve({ samples: [], exposed: 0, errorCount: 0 }),
});

const sources = [
  source('b', 'jmx', 'broker 1 h:1', '1'),
  source('a', 'admin', 'admin h:9092'),
  source('a', 'lag', 'consumer groups h:9092'),
  source('a', 'probe', 'probe __lookout_probe'),
  source('a', 'liveness', 'liveness h:9092'),
  source('a', 'jolokia', 'broker 1 h:2', '1'),
  source('b', 'admin', 'admin h2:9092'),
  source('a', 'host', 'host h:9100'),
];

describe('the fleet’s work units', () => {
  it('groups a cluster’s Kafka sources into one unit, each agent and host its own, heavy units first', () => {
    expect(fleetUnits(sources)).toEqual([
      'cluster a',
      'cluster b',
      'host a host h:9100',
      'jmx b 1',
      'jolokia a 1',
    ]);
    // The same config gives every member the same list, whatever order its sources came in.
    expect(fleetUnits([...sources].reverse())).toEqual(fleetUnits(sources));
    expect(unitOf(sources[2] as Source)).toBe('cluster a');
  });

  it('holds only the units of its assignment, and none while the group rebalances', () => {
    const units = fleetUnits(sources);
    const ownership = new FleetOwnership(units, 'g', 'm1');
    expect(sources.filter((s) => ownership.owns(s))).toEqual([]);
    ownership.assign({ memberId: 'id-1', generation: 4, units: [0, 3, 99] }, 1_000);
    expect(sources.filter((s) => ownership.owns(s)).map((s) => s.target)).toEqual([
      'broker 1 h:1',
      'admin h:9092',
      'consumer groups h:9092',
      'probe __lookout_probe',
      'liveness h:9092',
    ]);
    expect(ownership.current()).toEqual({
      group: 'g',
      member: 'm1',
      memberId: 'id-1',
      generation: 4,
      units: ['cluster a', 'jmx b 1'],
      total: 5,
    });
    // Held since 1 s: collected for an interval starting then or later, not for one that started before.
    expect(ownership.owns(sources[1] as Source, 1_000)).toBe(true);
    expect(ownership.owns(sources[1] as Source, 999)).toBe(false);
    ownership.assign({ memberId: 'id-1', generation: 5, units: [0] }, 5_000);
    expect(ownership.owns(sources[1] as Source, 1_000)).toBe(true); // kept: still held since 1 s
    ownership.assign(undefined, 2_000);
    expect(sources.filter((s) => ownership.owns(s))).toEqual([]);
    expect(ownership.current().units).toEqual([]);
  });

  it('fails open: with the group out of reach it holds every unit, until an assignment comes', () => {
    const ownership = new FleetOwnership(fleetUnits(sources), 'g', 'm1');
    ownership.failOpen(1_000);
    expect(sources.every((s) => ownership.owns(s))).toBe(true);
    expect(ownership.current()).toMatchObject({ failOpen: true, total: 5 });
    ownership.assign({ memberId: 'id-1', units: [1] }, 2_000);
    expect(sources.filter((s) => ownership.owns(s)).map((s) => s.target)).toEqual(['admin h2:9092']);
    expect(ownership.current().failOpen).toBeUndefined();
  });
});
