import { describe, expect, it } from 'vitest';
import { CommitCadence } from '../src/sources/lag/commit-cadence.ts';

describe('CommitCadence', () => {
  it('counts the age from first sight until a move, and knows no interval before two moves', () => {
    const c = new CommitCadence();
    expect(c.observe('g', 100, 0)).toEqual({ ageS: 0 });
    expect(c.observe('g', 100, 15_000)).toEqual({ ageS: 15 });
    expect(c.observe('g', 100, 30_000)).toEqual({ ageS: 30 });
    expect(c.observe('g', 150, 45_000)).toEqual({ ageS: 0 }); // the wait since first sight is no interval
    for (let t = 60_000; t < 165_000; t += 15_000) expect(c.observe('g', 150, t).intervalS).toBeUndefined();
    expect(c.observe('g', 200, 165_000)).toEqual({ ageS: 0, intervalS: 120 });
  });

  it('keeps the longest of the last three intervals, so one long stall is forgotten after three moves', () => {
    const c = new CommitCadence();
    let t = 0;
    let sum = 0;
    const move = (afterS: number) => {
      t += afterS * 1000;
      sum += 1;
      return c.observe('g', sum, t);
    };
    move(0);
    move(0);
    move(600); // a 10-minute stall
    expect(move(15).intervalS).toBe(600);
    expect(move(15).intervalS).toBe(600);
    expect(move(15).intervalS).toBe(15);
  });

  it('counts a fall (a rewind) as a move, and forgets groups no longer read', () => {
    const c = new CommitCadence();
    c.observe('g', 100, 0);
    c.observe('g', 200, 15_000);
    for (let t = 30_000; t < 75_000; t += 15_000) c.observe('g', 200, t);
    expect(c.observe('g', 50, 75_000)).toEqual({ ageS: 0, intervalS: 60 });
    c.retain(new Set(['other']));
    expect(c.observe('g', 50, 90_000)).toEqual({ ageS: 0 });
  });

  it('does not take a missed reading for a slower cadence: a group that commits all the time keeps one cycle', () => {
    const cadence = new CommitCadence();
    // Moves at every reading, every 15 s; the reading at 45 s did not happen (the lag read failed).
    const readings = [0, 15_000, 30_000, 60_000, 75_000, 90_000].map((ms, i) => cadence.observe('g', i, ms));
    expect(readings.at(-1)).toEqual({ ageS: 0, intervalS: 15 });
    // Then stuck: 45 s without a move is three times its interval (it would have been 1.5 times 30 s).
    expect(cadence.observe('g', 5, 135_000)).toEqual({ ageS: 45, intervalS: 15 });
  });

  it('keeps the cadence of a slow batcher read at every cycle', () => {
    const cadence = new CommitCadence();
    // Commits once a minute, read every 15 s: moves seen at 0 s (first), 60 s and 120 s.
    let last;
    for (let ms = 0, sum = 0; ms <= 120_000; ms += 15_000) {
      if (ms % 60_000 === 0) sum += 100;
      last = cadence.observe('batchy', sum, ms);
    }
    expect(last).toEqual({ ageS: 0, intervalS: 60 });
  });
});
