import type { TrackedAlert } from '../../../rules/src/alert.ts';
import type { Group, GroupLogEntry } from './group.ts';

/** What the group-timing stage decides for one group: tell it at `dueMs`, or forget it (nothing true to say). */
export type GroupTiming = { dueMs: number } | 'forget' | 'nothing';

/**
 * The group-timing stage, Alertmanager's: a new group is told `group_wait` after its first alert fired; a
 * changed one `group_interval` after it was last told, an unchanged one `repeat_interval` after; a group all of
 * whose alerts resolved is told at once (the on-call and the tenants hear the incident is over within seconds:
 * group_interval exists to batch changes to a live group); one that is only muted or gone is forgotten.
 */
export function groupTiming(
  g: Group | undefined,
  last: GroupLogEntry | undefined,
  firing: readonly TrackedAlert[],
  resolved: number,
  nowMs: number,
): GroupTiming {
  if (g !== undefined && last === undefined)
    return { dueMs: Math.min(...firing.map((a) => a.firedAt ?? nowMs)) + g.route.group_wait };
  if (last !== undefined && g === undefined) return resolved === 0 ? 'forget' : { dueMs: nowMs };
  if (g !== undefined && last !== undefined) {
    const changed = firing.map((a) => a.fingerprint).join() !== last.firing.join();
    return { dueMs: last.lastSentMs + (changed ? g.route.group_interval : g.route.repeat_interval) };
  }
  return 'nothing';
}
