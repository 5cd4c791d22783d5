import type { TrackedAlert } from '../../../rules/src/alert.ts';
import type { Mute } from './group.ts';
import type { Matchable } from './matchers.ts';
import { silencedBy } from './silences.ts';
import type { Silence } from './silences.ts';

/**
 * The mute stage: why each active alert is not notified, by silence (matched on its labels with its owning
 * tenant) and by inhibition (`inhibited`, the inhibit stage's answer). Alerts that are neither are absent.
 */
export function muteAlerts(
  alerts: readonly TrackedAlert[],
  silences: readonly Silence[],
  inhibited: ReadonlyMap<string, { source: TrackedAlert }>,
  owned: (a: TrackedAlert) => Matchable,
  nowMs: number,
): Map<string, Mute> {
  const mutes = new Map<string, Mute>();
  if (silences.length === 0 && inhibited.size === 0) return mutes;
  for (const a of alerts) {
    if (a.phase === 'inactive') continue;
    const s = silences.length === 0 ? undefined : silencedBy(silences, owned(a), nowMs);
    const i = inhibited.get(a.fingerprint);
    if (s === undefined && i === undefined) continue;
    mutes.set(a.fingerprint, {
      ...(s === undefined ? {} : { silencedBy: s.id }),
      ...(i === undefined
        ? {}
        : { inhibitedBy: { fingerprint: i.source.fingerprint, alertname: i.source.rule } }),
    });
  }
  return mutes;
}
