/** Where an alert instance is in its life. */
export type Phase = 'inactive' | 'pending' | 'firing' | 'resolved';

/** An alert instance's state: its phase and the times the `for` and `keep_firing_for` timers run from. */
export interface AlertState {
  phase: Phase;
  /** When its conditions started to hold (this time round). */
  activeSince?: number;
  /** When it last held. */
  lastActiveAt?: number;
  /** When it went firing. */
  firedAt?: number;
  /** When it resolved. */
  resolvedAt?: number;
}

/** The timers of a rule, in ms. */
export interface Timing {
  forMs: number;
  keepFiringForMs: number;
}

const inactive: AlertState = { phase: 'inactive' };

/**
 * The next state of an alert instance from the previous one and whether its conditions hold at `now`.
 * inactive → pending (held; `for` not yet served) → firing → resolved (stopped holding for `keep_firing_for`);
 * pending that stops holding goes back to inactive without ever firing. `cleared` (its `resolve_when` holds:
 * the fault is seen gone though its window still holds) keeps it from firing: a firing one resolves as if it
 * stopped holding, a resolved one stays resolved, a pending one waits. Pure: time is an argument.
 */
export function advance(
  prev: AlertState | undefined,
  active: boolean,
  now: number,
  t: Timing,
  cleared = false,
): AlertState {
  const p = prev ?? inactive;
  if (active && cleared) {
    if (p.phase === 'firing') return advance(p, false, now, t);
    if (p.phase === 'resolved') return p;
    return p.phase === 'pending'
      ? { ...p, lastActiveAt: now }
      : { phase: 'pending', activeSince: now, lastActiveAt: now };
  }
  if (active) {
    switch (p.phase) {
      case 'firing':
        return { ...p, lastActiveAt: now };
      case 'pending': {
        const since = p.activeSince ?? now;
        return now - since >= t.forMs
          ? { phase: 'firing', activeSince: since, lastActiveAt: now, firedAt: now }
          : { ...p, lastActiveAt: now };
      }
      default:
        return t.forMs <= 0
          ? { phase: 'firing', activeSince: now, lastActiveAt: now, firedAt: now }
          : { phase: 'pending', activeSince: now, lastActiveAt: now };
    }
  }
  switch (p.phase) {
    case 'firing':
      return now - (p.lastActiveAt ?? now) >= t.keepFiringForMs
        ? { ...p, phase: 'resolved', resolvedAt: now }
        : p;
    case 'pending':
      return inactive;
    default:
      return p;
  }
}
