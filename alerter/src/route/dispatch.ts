import { createHash } from 'node:crypto';
import type { TrackedAlert } from '../../../rules/src/alert.ts';
import type { Notification, Queued } from '../notify/notification.ts';
import { composeNotification } from './compose.ts';
import type { Group, GroupLogEntry, Mute, Placement, ReceiverAddressing } from './group.ts';

export type { GroupLogEntry, Mute } from './group.ts';
import { incidentGroups } from './incidents.ts';
import { Inhibitor } from './inhibit.ts';
import type { Inhibition, InhibitRule } from './inhibit.ts';
import type { Matchable } from './matchers.ts';
import { muteAlerts } from './mute.ts';
import type { Ownership } from './ownership.ts';
import { LiveGroups } from './live-groups.ts';
import { placeAlert } from './placement.ts';
import { heldByQuietHours } from './quiet-hours.ts';
import type { Silence } from './silences.ts';
import { groupTiming } from './timing.ts';
import type { Route, Timing } from './tree.ts';

/** Where the dispatcher keeps its log and puts notifications: both in one transaction. */
export interface DispatchStatePort {
  groupLog(): Map<string, GroupLogEntry>;
  /** Writes the changes; the queued notifications with their outbox ids. */
  commit(changes: { enqueue: Notification[]; upsert: GroupLogEntry[]; remove: string[] }): Queued[];
}

export interface DispatcherOptions {
  tree: Route;
  inhibit: readonly InhibitRule[];
  receivers: ReadonlyMap<string, ReceiverAddressing>;
  /** The receiver of platform-incident emails (tenant-addressed); none sends none. */
  incidentReceiver?: string;
  incidentTiming: Timing;
  links: Notification['links'];
}

/** An alert as matchers see it: its labels with its owning tenant (`tenant`), and its audience. */
export const ownedBy =
  (ownership: Ownership) =>
  (a: TrackedAlert): Matchable => ({
    labels: { ...a.labels, tenant: ownership.ownerOfLabels(a.labels) },
    audience: a.audience,
  });

const hash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 32);

/** One group's turn in a dispatch: its alerts now, the alerts of the cycle and what muted them. */
interface GroupTurn {
  key: string;
  group: Group | undefined;
  byFingerprint: ReadonlyMap<string, TrackedAlert>;
  inhibited: ReadonlyMap<string, Inhibition>;
  ownership: Ownership;
  nowMs: number;
}

/**
 * Turns alerts into notifications, Alertmanager-style but Kafka-aware and ownership-driven. The pipeline, in
 * order, each stage a pure function in its own file:
 * 1. inhibit (`inhibit.ts`): what a cause (a broker away, a cluster unseen) hides;
 * 2. mute (`mute.ts`): silences and inhibitions, per alert;
 * 3. route (`placement.ts` over `tree.ts`): the groups of each firing, unmuted alert (per owning tenant for
 *    tenant receivers, so a tenant's notification holds only its own alerts), and platform incidents
 *    (`incidents.ts`): one group per affected tenant;
 * 4. group timing (`timing.ts`): `group_wait`, `group_interval`, `repeat_interval`, resolved at once;
 * 5. quiet hours (`quiet-hours.ts`): a tenant's group waits for their end;
 * 6. compose (`compose.ts`): the notification, queued with the group log in one transaction.
 * The dispatcher itself keeps only the incremental state that makes this cheap: which groups are live and when
 * each is due again (one map of times, looked at per dispatch, rather than a timer per group: ADR 0005). Time
 * is an argument.
 */
export class Dispatcher {
  private readonly log: Map<string, GroupLogEntry>;
  private readonly inhibitor: Inhibitor;
  private mutes = new Map<string, Mute>();
  private readonly live: LiveGroups;
  /** When to look at a group again (its group_wait, group_interval or repeat_interval ends). */
  private readonly checkAt = new Map<string, number>();
  /** Incident groups of the last dispatch. */
  private incidentKeys = new Set<string>();

  constructor(
    private readonly options: DispatcherOptions,
    private readonly state: DispatchStatePort,
  ) {
    this.log = state.groupLog();
    this.inhibitor = new Inhibitor(options.inhibit);
    this.live = new LiveGroups(options.tree, options.receivers);
    for (const key of this.log.keys()) this.checkAt.set(key, 0);
  }

  /** Why each muted alert of the last dispatch is muted. */
  muted(): ReadonlyMap<string, Mute> {
    return this.mutes;
  }

  /** The groups an alert goes to under a catalog (the route stage's answer, for the API). */
  placements(a: TrackedAlert, ownership: Ownership): Placement[] {
    return placeAlert(this.options.tree, this.options.receivers, a, ownedBy(ownership)(a));
  }

  /**
   * One dispatch over every tracked alert at `nowMs`: what it queued. Incremental: only groups whose alerts
   * changed, or whose timer ran out, are looked at, so its cost follows the changes, not the alerts held.
   */
  dispatch(
    alerts: readonly TrackedAlert[],
    silences: readonly Silence[],
    ownership: Ownership,
    nowMs: number,
  ): Queued[] {
    const owned = ownedBy(ownership);
    const inhibited = this.inhibitor.evaluate(alerts, nowMs);
    this.mutes = muteAlerts(alerts, silences, inhibited, owned, nowMs);
    const { changed: check, byFingerprint } = this.live.update(alerts, this.mutes, owned, ownership);
    for (const [key, at] of this.checkAt) if (at <= nowMs) check.add(key);
    const incidents =
      this.options.incidentReceiver === undefined
        ? new Map<string, Group>()
        : incidentGroups(alerts, inhibited, this.mutes, ownership, this.inhibitor, {
            receiver: this.options.incidentReceiver,
            timing: this.options.incidentTiming,
          });
    for (const key of [...incidents.keys(), ...this.incidentKeys]) check.add(key);
    this.incidentKeys = new Set(incidents.keys());

    const changes = { enqueue: [] as Notification[], upsert: [] as GroupLogEntry[], remove: [] as string[] };
    for (const key of check) {
      const group = incidents.get(key) ?? this.live.group(key, byFingerprint);
      this.turn({ key, group, byFingerprint, inhibited, ownership, nowMs }, changes);
    }
    return changes.enqueue.length > 0 || changes.remove.length > 0 ? this.state.commit(changes) : [];
  }

  /** One group's turn: timing, quiet hours, then its notification and log entry into `changes`. */
  private turn(
    t: GroupTurn,
    changes: { enqueue: Notification[]; upsert: GroupLogEntry[]; remove: string[] },
  ): void {
    const { key, group: g, byFingerprint, nowMs } = t;
    const last = this.log.get(key);
    this.checkAt.delete(key);
    const tenant = g?.tenant ?? last?.tenant;
    const firing = (g?.alerts ?? []).sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1));
    const fps = firing.map((a) => a.fingerprint);
    const resolved = (last?.firing ?? [])
      .filter((fp) => !fps.includes(fp))
      .map((fp) => byFingerprint.get(fp))
      .filter((a): a is TrackedAlert => a?.phase === 'resolved');
    const timing = groupTiming(g, last, firing, resolved.length, nowMs);
    if (timing === 'nothing') return;
    if (timing === 'forget') {
      changes.remove.push(key); // muted or forgotten, not resolved: nothing true to say
      this.log.delete(key);
      return;
    }
    if (nowMs < timing.dueMs) {
      this.checkAt.set(key, timing.dueMs);
      return;
    }
    const quietUntil = heldByQuietHours(tenant === undefined ? undefined : t.ownership.tenant(tenant), nowMs);
    if (quietUntil !== undefined) {
      this.checkAt.set(key, quietUntil); // told when the tenant's quiet hours end
      return;
    }
    const entry: GroupLogEntry = {
      groupKey: key,
      receiver: g?.receiver ?? last?.receiver ?? '',
      queue: g?.queue ?? last?.queue ?? '',
      routeId: g?.route.id ?? last?.routeId ?? '',
      kind: g?.kind ?? last?.kind ?? 'alerts',
      groupLabels: g?.labels ?? last?.groupLabels ?? {},
      ...(tenant === undefined ? {} : { tenant }),
      firing: fps,
      lastSentMs: nowMs,
      incidentKey: last?.incidentKey ?? hash(key),
    };
    changes.enqueue.push(
      composeNotification({
        entry,
        firing,
        resolved,
        incident: g?.incident,
        inhibited: t.inhibited,
        byFingerprint,
        ownership: t.ownership,
        to: this.options.receivers.get(entry.receiver)?.to,
        links: this.options.links,
        nowMs,
      }),
    );
    if (fps.length === 0) {
      changes.remove.push(key);
      this.log.delete(key);
    } else {
      changes.upsert.push(entry);
      this.log.set(key, entry);
      this.checkAt.set(key, nowMs + (g?.route.repeat_interval ?? this.timingOf(entry).repeat_interval));
    }
  }

  private timingOf(entry: GroupLogEntry): Timing {
    if (entry.kind === 'incident') return this.options.incidentTiming;
    const find = (r: Route): Route | undefined =>
      r.id === entry.routeId ? r : r.routes.map(find).find((x) => x !== undefined);
    return find(this.options.tree) ?? this.options.tree;
  }
}
