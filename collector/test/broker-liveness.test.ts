import { describe, expect, it } from 'vitest';
import { LivenessTracker } from '../src/broker-liveness.ts';
import type { BrokerObservation, BrokerState } from '../src/broker-liveness.ts';
import type { Answer } from '../src/kafka/liveness.ts';
import { registeredBy } from '../src/sources/liveness.ts';

/** Feeds one broker's polls (every 2 s) and returns its state after each. */
function states(polls: [Answer, boolean | undefined][], graceMs = 300_000): BrokerState[] {
  const t = new LivenessTracker({ crashAfter: 2, hungAfter: 3, restartGraceMs: graceMs });
  return polls.map(([answer, registered], i) => {
    const o: BrokerObservation = { broker: 2, answer, registered };
    return t.observe(i * 2_000, [o])[0]?.state as BrokerState;
  });
}

describe('LivenessTracker', () => {
  it('a broker that stops answering while still registered has crashed (after two polls)', () => {
    expect(
      states([
        ['ok', true],
        ['refused', true],
        ['refused', true],
        ['refused', false], // fenced after its session timed out: still a crash
        ['ok', false], // starting again, not yet registered
        ['ok', true],
      ]),
    ).toEqual(['up', 'up', 'crashed', 'crashed', 'crashed', 'up']);
  });

  it('one refused poll against a broker cache a few ms behind is not yet a crash', () => {
    // A controlled shutdown seen by a stale cache for one poll, then as it is: a planned stop.
    expect(
      states([
        ['ok', true],
        ['refused', true],
        ['refused', false],
        ['ok', true],
      ]),
    ).toEqual(['up', 'up', 'restarting', 'up']);
  });

  it('a broker that left the cluster before it stopped answering is restarting, and overdue after the grace', () => {
    const gone: [Answer, boolean] = ['refused', false];
    const polls: [Answer, boolean][] = [['ok', true], ['ok', false], gone, gone, gone, gone, gone, gone];
    expect(states(polls, 9_000)).toEqual([
      'up',
      'fenced',
      'restarting',
      'restarting',
      'restarting',
      'restarting',
      'restarting',
      'restart_overdue',
    ]);
  });

  it('a restarting broker that answers before it is registered again is still restarting', () => {
    expect(
      states([
        ['ok', true],
        ['refused', false],
        ['ok', false],
        ['ok', true],
      ]),
    ).toEqual(['up', 'restarting', 'restarting', 'up']);
  });

  it('no answer within the deadline for three polls is a hang, whatever the metadata says', () => {
    expect(
      states([
        ['ok', true],
        ['timeout', true],
        ['timeout', true],
        ['timeout', true],
        ['timeout', false],
        ['refused', false], // killed while hung
        ['ok', true],
      ]),
    ).toEqual(['up', 'up', 'up', 'hung', 'hung', 'crashed', 'up']);
  });

  it('a broker first seen refused and registered has crashed; first seen gone, it gets the grace', () => {
    expect(states([['refused', true]])).toEqual(['crashed']);
    expect(states([['refused', false]])).toEqual(['restarting']);
  });

  it('keeps the last registration when no broker answered', () => {
    expect(
      states([
        ['ok', true],
        ['refused', undefined],
        ['refused', undefined],
      ]),
    ).toEqual(['up', 'up', 'crashed']);
  });

  it('counts how long a broker has been silent', () => {
    const t = new LivenessTracker();
    t.observe(0, [{ broker: 1, answer: 'ok', registered: true }]);
    const [s] = t.observe(5_000, [{ broker: 1, answer: 'refused', registered: true }]);
    expect(s?.downSeconds).toBe(5);
    expect(s?.answering).toBe(false);
  });
});

describe('registeredBy', () => {
  const ok = (broker: number, alive: number[]) => ({
    broker,
    answer: 'ok' as const,
    alive: alive.map((nodeId) => ({ nodeId, host: 'h', port: nodeId })),
  });
  const refused = (broker: number) => ({ broker, answer: 'refused' as const, alive: [] });

  it('takes the majority of the other brokers’ answers', () => {
    expect(registeredBy(2, [ok(1, [1, 2, 3]), ok(3, [1, 2, 3]), refused(2)])).toBe(true);
    expect(registeredBy(2, [ok(1, [1, 2, 3]), ok(3, [1, 3]), refused(2)])).toBe(false);
    expect(registeredBy(2, [ok(2, [1, 2]), ok(1, [1])])).toBe(false);
  });
  it('is unknown when nobody answered', () => {
    expect(registeredBy(2, [refused(1), refused(2)])).toBeUndefined();
  });
});
