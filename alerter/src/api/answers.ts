import type { TrackedAlert } from '../../../rules/src/alert.ts';
import { alertLinks } from '../notify/links.ts';
import type { Notification } from '../notify/notification.ts';
import type { Mute, Placement } from '../route/group.ts';
import { silenceState } from '../route/silences.ts';
import type { Silence } from '../route/silences.ts';
import type { OutboxRow } from '../store/notify.ts';

/** Times as the API speaks them, like its webhook: ISO 8601 in UTC. */
export const iso = (ms: number): string => new Date(ms).toISOString();
/** `{ key: ISO time }`, or nothing when there is no time. */
export const isoField = <K extends string>(key: K, ms: number | undefined): Partial<Record<K, string>> =>
  ms === undefined ? {} : ({ [key]: iso(ms) } as Record<K, string>);

/** The incident an alert is told in: the dispatcher's group (its receiver and group labels). */
export interface IncidentRef {
  receiver: string;
  labels: Record<string, string>;
  tenant?: string;
}

/**
 * The group an alert is shown under on the page: for a tenant, its group of that tenant's; for operators, its
 * first operators' group, else its first; with none (routed nowhere), its alert name and cluster.
 */
export function incidentOf(a: TrackedAlert, placements: readonly Placement[], tenant?: string): IncidentRef {
  const p =
    tenant === undefined
      ? (placements.find((x) => x.tenant === undefined) ?? placements[0])
      : placements.find((x) => x.tenant === tenant);
  if (p !== undefined)
    return {
      receiver: p.receiver,
      labels: p.labels,
      ...(p.tenant === undefined ? {} : { tenant: p.tenant }),
    };
  const labels: Record<string, string> = { alertname: a.rule };
  if (a.labels.cluster !== undefined) labels.cluster = a.labels.cluster;
  return { receiver: 'none', labels };
}

/**
 * An alert as the API answers it: its labels, annotations, value and threshold, its phase and times (ISO 8601),
 * its owner (none when nobody owns it), why it is muted, its incident, and absolute links (runbook, dashboard, the alert on the page).
 */
export function alertAnswer(
  a: TrackedAlert,
  extra: { owner: string; mute: Mute | undefined; links: Notification['links']; incident: IncidentRef },
): Record<string, unknown> {
  const { activeSince, lastActiveAt, firedAt, resolvedAt, ...rest } = a;
  const page = extra.links.alerter;
  return {
    ...rest,
    ...isoField('activeSince', activeSince),
    ...isoField('lastActiveAt', lastActiveAt),
    ...isoField('firedAt', firedAt),
    ...isoField('resolvedAt', resolvedAt),
    // An alert nobody owns has no owner field (not an empty one).
    ...(extra.owner === '' ? {} : { owner: extra.owner }),
    ...(extra.mute ?? {}),
    incident: extra.incident,
    links: {
      ...alertLinks(extra.links, a.annotations),
      ...(page === undefined ? {} : { page: `${page}/#alert=${a.fingerprint}` }),
    },
  };
}

/** A silence as the API answers it: times in ISO 8601, its state now. */
export function silenceAnswer(s: Silence, nowMs: number): Record<string, unknown> {
  const { startsAtMs, endsAtMs, createdAtMs, every, ...rest } = s;
  return {
    ...rest,
    startsAt: iso(startsAtMs),
    endsAt: iso(endsAtMs),
    ...(every === undefined ? {} : { every }),
    createdAt: iso(createdAtMs),
    state: silenceState(s, nowMs),
  };
}

/** A row of the outbox as the API answers it: times in ISO 8601. */
export function outboxAnswer(r: OutboxRow): Record<string, unknown> {
  const { createdMs, dueMs, deliveredMs, failedMs, ...rest } = r;
  return {
    ...rest,
    created: iso(createdMs),
    due: iso(dueMs),
    ...isoField('delivered', deliveredMs),
    ...isoField('failed', failedMs),
  };
}
