import type { TrackedAlert } from '../../../rules/src/alert.ts';
import type { Group, Mute, Placement, ReceiverAddressing } from './group.ts';
import type { Matchable } from './matchers.ts';
import type { Ownership } from './ownership.ts';
import { placeAlert } from './placement.ts';
import type { Route } from './tree.ts';

/**
 * The groups that hold firing, unmuted alerts, kept from one dispatch to the next so that a dispatch looks only
 * at the groups whose alerts changed: each alert's placements (the route stage's answer, cached per fingerprint
 * under one catalog) and each live group's alerts.
 */
export class LiveGroups {
  /** Each alert's groups under the catalog in force. */
  private readonly placements = new Map<string, Placement[]>();
  private placedBy: Ownership | undefined;
  private readonly live = new Map<string, { placement: Placement; fps: Set<string> }>();
  /** Alerts that are in live groups. */
  private readonly liveAlerts = new Set<string>();

  constructor(
    private readonly tree: Route,
    private readonly receivers: ReadonlyMap<string, ReceiverAddressing>,
  ) {}

  /**
   * Brings the groups up to date with the alerts that started or stopped being firing and unmuted (all of them
   * again under a new catalog): the keys of the groups that changed, and the alerts by fingerprint.
   */
  update(
    alerts: readonly TrackedAlert[],
    mutes: ReadonlyMap<string, Mute>,
    owned: (a: TrackedAlert) => Matchable,
    ownership: Ownership,
  ): { changed: Set<string>; byFingerprint: Map<string, TrackedAlert> } {
    const changed = new Set<string>();
    if (ownership !== this.placedBy) {
      // A new catalog: owners, and so routes and groups, may differ. Place every alert again.
      for (const key of this.live.keys()) changed.add(key);
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
      if (isLive) this.join(a, owned, changed);
      else this.leave(a.fingerprint, changed);
    }
    for (const fp of this.liveAlerts) if (!byFingerprint.has(fp)) this.leave(fp, changed);
    if (this.placements.size > 2 * byFingerprint.size + 1_000)
      for (const fp of this.placements.keys()) if (!byFingerprint.has(fp)) this.placements.delete(fp);
    return { changed, byFingerprint };
  }

  /** The live group of `key` with its alerts now, or undefined when none of its alerts is live. */
  group(key: string, byFingerprint: ReadonlyMap<string, TrackedAlert>): Group | undefined {
    const live = this.live.get(key);
    return live === undefined
      ? undefined
      : {
          ...live.placement,
          kind: 'alerts',
          alerts: [...live.fps].flatMap((fp) => byFingerprint.get(fp) ?? []),
        };
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
    const out = placeAlert(this.tree, this.receivers, a, owned(a));
    this.placements.set(a.fingerprint, out);
    return out;
  }
}
