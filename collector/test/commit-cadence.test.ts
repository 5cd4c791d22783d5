import { describe, expect, it } from 'vitest';
import { CommitCadence } from '../src/sources/lag/commit-cadence.ts';

describe('CommitCadence', () => {
  it('counts the age from first sight until a move, and knows no interval before two moves', () => {
    const c = new CommitCadence();
    expect(c.observe('g', 100, 0)).toEqual({ ageS: 0 });
    expect(c.observe('g', 100, 30_000)).toEqual({ ageS: 30 });
    expect(c.observe('g', 150, 45_000)).toEqual({ ageS: 0 }); // the wait since first sight is no interval
    expect(c.observe('g', 150, 60_000)).toEqual({ ageS: 15 });
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
    expect(c.observe('g', 50, 75_000)).toEqual({ ageS: 0, intervalS: 60 });
    c.retain(new Set(['other']));
    expect(c.observe('g', 50, 90_000)).toEqual({ ageS: 0 });
  });
});
