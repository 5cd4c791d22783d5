import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { advance } from '../src/lifecycle.ts';
import { runTestFile } from '../src/test-runner.ts';
import type { AlertState } from '../src/lifecycle.ts';

const t = { forMs: 60_000, keepFiringForMs: 30_000 };
const none = { forMs: 0, keepFiringForMs: 0 };

describe('advance', () => {
  it.each<[string, AlertState | undefined, boolean, number, typeof t, AlertState]>([
    [
      'new and holding, with for → pending',
      undefined,
      true,
      1_000,
      t,
      { phase: 'pending', activeSince: 1_000, lastActiveAt: 1_000 },
    ],
    [
      'new and holding, no for → firing at once',
      undefined,
      true,
      1_000,
      none,
      { phase: 'firing', activeSince: 1_000, lastActiveAt: 1_000, firedAt: 1_000 },
    ],
    ['new and not holding → inactive', undefined, false, 1_000, t, { phase: 'inactive' }],
    [
      'pending, for not served → pending',
      { phase: 'pending', activeSince: 0, lastActiveAt: 30_000 },
      true,
      59_999,
      t,
      { phase: 'pending', activeSince: 0, lastActiveAt: 59_999 },
    ],
    [
      'pending, for served → firing',
      { phase: 'pending', activeSince: 0, lastActiveAt: 30_000 },
      true,
      60_000,
      t,
      { phase: 'firing', activeSince: 0, lastActiveAt: 60_000, firedAt: 60_000 },
    ],
    [
      'pending that stops holding → inactive, never fired',
      { phase: 'pending', activeSince: 0, lastActiveAt: 30_000 },
      false,
      45_000,
      t,
      { phase: 'inactive' },
    ],
    [
      'firing and holding → firing, last active moves',
      { phase: 'firing', activeSince: 0, lastActiveAt: 60_000, firedAt: 60_000 },
      true,
      90_000,
      t,
      { phase: 'firing', activeSince: 0, lastActiveAt: 90_000, firedAt: 60_000 },
    ],
    [
      'firing, stopped holding within keep_firing_for → still firing',
      { phase: 'firing', activeSince: 0, lastActiveAt: 60_000, firedAt: 60_000 },
      false,
      89_999,
      t,
      { phase: 'firing', activeSince: 0, lastActiveAt: 60_000, firedAt: 60_000 },
    ],
    [
      'firing, stopped holding for keep_firing_for → resolved',
      { phase: 'firing', activeSince: 0, lastActiveAt: 60_000, firedAt: 60_000 },
      false,
      90_000,
      t,
      { phase: 'resolved', activeSince: 0, lastActiveAt: 60_000, firedAt: 60_000, resolvedAt: 90_000 },
    ],
    [
      'firing, no keep_firing_for → resolved at once',
      { phase: 'firing', activeSince: 0, lastActiveAt: 60_000, firedAt: 60_000 },
      false,
      61_000,
      none,
      { phase: 'resolved', activeSince: 0, lastActiveAt: 60_000, firedAt: 60_000, resolvedAt: 61_000 },
    ],
    [
      'resolved and holding again → pending anew',
      { phase: 'resolved', activeSince: 0, firedAt: 60_000, resolvedAt: 90_000 },
      true,
      120_000,
      t,
      { phase: 'pending', activeSince: 120_000, lastActiveAt: 120_000 },
    ],
    [
      'resolved, not holding → stays resolved',
      { phase: 'resolved', activeSince: 0, firedAt: 60_000, resolvedAt: 90_000 },
      false,
      120_000,
      t,
      { phase: 'resolved', activeSince: 0, firedAt: 60_000, resolvedAt: 90_000 },
    ],
  ])('%s', (_name, prev, active, now, timing, next) => {
    expect(advance(prev, active, now, timing)).toEqual(next);
  });

  // Cleared: the rule's window still holds, its resolve_when says the fault is gone.
  it.each<[string, AlertState | undefined, number, typeof t, AlertState]>([
    [
      'firing and cleared, no keep_firing_for → resolved at once',
      { phase: 'firing', activeSince: 0, lastActiveAt: 60_000, firedAt: 60_000 },
      75_000,
      none,
      { phase: 'resolved', activeSince: 0, lastActiveAt: 60_000, firedAt: 60_000, resolvedAt: 75_000 },
    ],
    [
      'firing and cleared within keep_firing_for → still firing',
      { phase: 'firing', activeSince: 0, lastActiveAt: 60_000, firedAt: 60_000 },
      75_000,
      t,
      { phase: 'firing', activeSince: 0, lastActiveAt: 60_000, firedAt: 60_000 },
    ],
    [
      'resolved and cleared, its window still holding → stays resolved (no new pending)',
      { phase: 'resolved', activeSince: 0, firedAt: 60_000, resolvedAt: 90_000 },
      120_000,
      t,
      { phase: 'resolved', activeSince: 0, firedAt: 60_000, resolvedAt: 90_000 },
    ],
    [
      'pending, for served but cleared → waits, pending',
      { phase: 'pending', activeSince: 0, lastActiveAt: 30_000 },
      60_000,
      t,
      { phase: 'pending', activeSince: 0, lastActiveAt: 60_000 },
    ],
    [
      'new and cleared, no for → pending, not firing',
      undefined,
      1_000,
      none,
      { phase: 'pending', activeSince: 1_000, lastActiveAt: 1_000 },
    ],
  ])('%s', (_name, prev, now, timing, next) => {
    expect(advance(prev, true, now, timing, true)).toEqual(next);
  });

  it('a rule with resolve_when resolves on its first point back, while its window still holds', async () => {
    const report = await runTestFile(join(import.meta.dirname, 'fixtures', 'resolve-when.test.yaml'));
    expect(report.errors).toEqual([]);
    expect(report.failures).toEqual([]);
    expect(report.tests).toBe(1);
  });
});
