import { createHash } from 'node:crypto';
import { inQuietHours } from '../../../model/src/tenants.ts';
import type { TrackedAlert } from '../../../rules/src/alert.ts';
import type { Notification, Queued } from '../notify/notification.ts';
import { composeNotification } from './compose.ts';
import { groupLabels } from './group.ts';
import type { Group, GroupLogEntry, Mute, Placement } from './group.ts';

export type { GroupLogEntry, Mute } from './group.ts';
import { incidentGroups } from './incidents.ts';
import { Inhibitor } from './inhibit.ts';
import type { InhibitRule } from './inhibit.ts';
import type { Matchable } from './matchers.ts';
import type { Ownership } from './ownership.ts';
import { silencedBy } from './silences.ts';
import type { Silence } from './silences.ts';
import { routesFor } from './tree.ts';
import type { Route, Timing } from './tree.ts';

/** Where the dispatcher keeps its log and puts notifications: both in one transaction. */
export interface DispatchStatePort {
  groupLog(): Map<string, GroupLogEntry>;
  /** Writes the changes; the queued notifications with their outbox ids. */
  commit(changes: { enqueue: Notification[]; upsert: GroupLogEntry[]; remove: string[] }): Queued[];
}

/** How a receiver is addressed: to the owning tenant's contacts, to fixed addresses, or not by email. */
export interface ReceiverAddressing {
  perTenant: boolean;
  to?: string[];
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

const hash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 32);

/**
 * Turns alerts into notifications, Alertmanager-style but Kafka-aware and ownership-driven: silences and
 * inhibition mute; the routing tree picks receivers; alerts are grouped per route and group labels (and per
 * owning tenant for tenant receivers, so a tenant's notification holds only its own alerts); a group is told
 * after `group_wait`, its changes after `group_interval`, the same again after `repeat_interval`, and once
 * when all of it resolved. Platform incidents become one email per affected tenant. Time is an argument.
 */
export class Dispatcher {
  private readonly log: Map<string, GroupLogEntry>;
  private readonly inhibitor: Inhibitor;
  private mutes = new Map<string, Mute>();
  /** Each alert's groups under the catalog in force. */
  private readonly placements = new Map<string, Placement[]>();
  private placedBy: Ownership | undefined;
  /** The groups with firing, unmuted alerts, kept from one dispatch to the next. */
  private readonly live = new Map<string, { placement: Placement; fps: Set<string> }>();
  /** Alerts that are in `live` groups. */
  private readonly liveAlerts = new Set<string>();
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
    for (const key of this.log.keys()) this.checkAt.set(key, 0);
  }

  /** Why each muted alert of the last dispatch is muted. */
  muted(): ReadonlyMap<string, Mute> {
    return this.mutes;
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
    const owned = (a: TrackedAlert): Matchable => ({
      labels: { ...a.labels, tenant: ownership.ownerOfLabels(a.labels) },
      audience: a.audience,
    });
    const inhibited = this.inhibitor.evaluate(alerts, nowMs);
    const mutes = new Map<string, Mute>();
    for (const a of silences.length === 0 && inhibited.size === 0 ? [] : alerts) {
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
    this.mutes = mutes;

    const check = new Set<string>();
    if (ownership !== this.placedBy) {
      // A new catalog: owners, and so routes and groups, may differ. Place every alert again.
      for (const key of this.live.keys()) check.add(key);
      this.live.clear();
      this.liveAlerts.clear();
      this.placements.clear();
      this.placedBy = ownership;
    }
    const byFingerprint = new Map<string, TrackedAlert>();
    for (const a of alerts) {
      byFingerprint.set(a.fingerprint, a);
      const isLive = a.phase === 'firing' && !mutes.has(a.fingerprint);
      if (isLive === this.liveAlerts.has(a.fingerprint)) continue;
      if (isLive) this.join(a, owned, check);
      else this.leave(a.fingerprint, check);
    }
    for (const fp of this.liveAlerts) if (!byFingerprint.has(fp)) this.leave(fp, check);
    if (this.placements.size > 2 * byFingerprint.size + 1_000)
      for (const fp of this.placements.keys()) if (!byFingerprint.has(fp)) this.placements.delete(fp);
    for (const [key, at] of this.checkAt) if (at <= nowMs) check.add(key);

    const incidents =
      this.options.incidentReceiver === undefined
        ? new Map<string, Group>()
        : incidentGroups(alerts, inhibited, mutes, ownership, this.inhibitor, {
            receiver: this.options.incidentReceiver,
            timing: this.options.incidentTiming,
          });
    for (const key of [...incidents.keys(), ...this.incidentKeys]) check.add(key);
    this.incidentKeys = new Set(incidents.keys());

    const enqueue: Notification[] = [];
    const upsert: GroupLogEntry[] = [];
    const remove: string[] = [];
    for (const key of check) {
      const liveGroup = this.live.get(key);
      const g: Group | undefined =
        incidents.get(key) ??
        (liveGroup === undefined
          ? undefined
          : {
              ...liveGroup.placement,
              kind: 'alerts',
              alerts: [...liveGroup.fps].flatMap((fp) => byFingerprint.get(fp) ?? []),
            });
      const last = this.log.get(key);
      this.checkAt.delete(key);
      const tenant = g?.tenant ?? last?.tenant;
      const firing = (g?.alerts ?? []).sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1));
      const fps = firing.map((a) => a.fingerprint);
      const resolved = (last?.firing ?? [])
        .filter((fp) => !fps.includes(fp))
        .map((fp) => byFingerprint.get(fp))
        .filter((a): a is TrackedAlert => a?.phase === 'resolved');
      let dueMs: number;
      if (g !== undefined && last === undefined) {
        dueMs = Math.min(...firing.map((a) => a.firedAt ?? nowMs)) + g.route.group_wait;
      } else if (last !== undefined && g === undefined) {
        if (resolved.length === 0) {
          remove.push(key); // muted or forgotten, not resolved: nothing true to say
          this.log.delete(key);
          continue;
        }
        // Everything it told of has resolved: said at once (the on-call and the tenants hear the incident is
        // over within seconds), not after group_interval, which exists to batch changes to a live group.
        dueMs = nowMs;
      } else if (g !== undefined && last !== undefined) {
        const changed = fps.join() !== last.firing.join();
        dueMs = last.lastSentMs + (changed ? g.route.group_interval : g.route.repeat_interval);
      } else continue;
      if (nowMs < dueMs) {
        this.checkAt.set(key, dueMs);
        continue;
      }
      if (tenant !== undefined && inQuietHours(ownership.tenant(tenant) ?? {}, nowMs)) {
        this.checkAt.set(key, nowMs + 60_000); // told when the tenant's quiet hours end
        continue;
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
      enqueue.push(
        composeNotification({
          entry,
          firing,
          resolved,
          incident: g?.incident,
          inhibited,
          byFingerprint,
          ownership,
          to: this.options.receivers.get(entry.receiver)?.to,
          links: this.options.links,
          nowMs,
        }),
      );
      if (fps.length === 0) {
        remove.push(key);
        this.log.delete(key);
      } else {
        upsert.push(entry);
        this.log.set(key, entry);
        this.checkAt.set(key, nowMs + (g?.route.repeat_interval ?? this.timingOf(entry).repeat_interval));
      }
    }
    return enqueue.length > 0 || remove.length > 0 ? this.state.commit({ enqueue, upsert, remove }) : [];
  }

  /** A firing, unmuted alert joins its groups. */
  private join(a: TrackedAlert, owned: (a: TrackedAlert) => Matchable, check: Set<string>): void {
    this.liveAlerts.add(a.fingerprint);
    for (const p of this.place(a, owned)) {
      let g = this.live.get(p.key);
      if (g === undefined) {
        g = { placement: p, fps: new Set() };
        this.live.set(p.key, g);
      }
      g.fps.add(a.fingerprint);
      check.add(p.key);
    }
  }

  /** An alert that resolved, was muted or is gone leaves its groups. */
  private leave(fp: string, check: Set<string>): void {
    this.liveAlerts.delete(fp);
    for (const p of this.placements.get(fp) ?? []) {
      const g = this.live.get(p.key);
      g?.fps.delete(fp);
      if (g?.fps.size === 0) this.live.delete(p.key);
      check.add(p.key);
    }
  }

  /**
   * The groups an alert belongs to: its routes, and per route the group key and labels (and owner for tenant
   * receivers). Labels and owner do not change for a fingerprint under one catalog, so this is cached.
   */
  private place(a: TrackedAlert, owned: (a: TrackedAlert) => Matchable): Placement[] {
    const cached = this.placements.get(a.fingerprint);
    if (cached !== undefined) return cached;
    const m = owned(a);
    const out: Placement[] = [];
    for (const route of routesFor(this.options.tree, m)) {
      const addressing = this.options.receivers.get(route.receiver);
      if (addressing === undefined) continue;
      const tenant = addressing.perTenant ? m.labels.tenant : undefined;
      if (tenant === '') continue;
      const labels = groupLabels(route.group_by, a.labels);
      out.push({
        key: JSON.stringify([route.id, route.receiver, tenant ?? '', labels]),
        receiver: route.receiver,
        queue: tenant === undefined ? route.receiver : `${route.receiver}/${tenant}`,
        route,
        labels,
        ...(tenant === undefined ? {} : { tenant }),
      });
    }
    this.placements.set(a.fingerprint, out);
    return out;
  }

  private timingOf(entry: GroupLogEntry): Timing {
    if (entry.kind === 'incident') return this.options.incidentTiming;
    const find = (r: Route): Route | undefined =>
      r.id === entry.routeId ? r : r.routes.map(find).find((x) => x !== undefined);
    return find(this.options.tree) ?? this.options.tree;
  }
}
