import type { TrackedAlert } from '../../../rules/src/alert.ts';
import type { IncidentView, Notification, NotifiedAlert, SuppressedAlert } from '../notify/notification.ts';
import type { GroupLogEntry } from './group.ts';
import type { Ownership } from './ownership.ts';

/** An alert as a notification carries it; an incident's source goes without its description and evidence (they name every tenant's topics). */
function notified(a: TrackedAlert, status: NotifiedAlert['status'], bare: boolean): NotifiedAlert {
  const affected = bare ? undefined : a.affected;
  const { description, ...rest } = a.annotations;
  return {
    fingerprint: a.fingerprint,
    status,
    labels: a.labels,
    annotations: bare || description === undefined ? rest : { ...rest, description },
    severity: a.severity,
    value: a.value,
    startsAtMs: a.firedAt ?? a.activeSince ?? 0,
    ...(status === 'resolved' && a.resolvedAt !== undefined ? { endsAtMs: a.resolvedAt } : {}),
    ...(affected === undefined || affected.length === 0 ? {} : { affected }),
  };
}

/**
 * The notification of a group: its firing and resolved alerts (for a tenant, as that tenant may see them), the
 * alerts they hide (operators only: the one page lists what it affects), the addresses.
 */
export function composeNotification({
  entry,
  firing,
  resolved,
  incident,
  inhibited,
  byFingerprint,
  ownership,
  to: fixedTo,
  links,
  nowMs,
}: {
  entry: GroupLogEntry;
  firing: readonly TrackedAlert[];
  resolved: readonly TrackedAlert[];
  incident: IncidentView | undefined;
  inhibited: ReadonlyMap<string, { source: TrackedAlert }>;
  byFingerprint: ReadonlyMap<string, TrackedAlert>;
  ownership: Ownership;
  to: string[] | undefined;
  links: Notification['links'];
  nowMs: number;
}): Notification {
  const tenant = entry.tenant;
  const view = (a: TrackedAlert): TrackedAlert => (tenant === undefined ? a : ownership.forTenant(a, tenant));
  const suppressed: SuppressedAlert[] = [];
  if (tenant === undefined) {
    const shown = new Set(firing.map((a) => a.fingerprint));
    for (const [fp, i] of inhibited) {
      if (!shown.has(i.source.fingerprint)) continue;
      const hidden = byFingerprint.get(fp);
      if (hidden === undefined) continue;
      suppressed.push({
        alertname: hidden.rule,
        labels: hidden.labels,
        summary: hidden.annotations.summary ?? hidden.rule,
        ...(hidden.affected === undefined ? {} : { affected: hidden.affected }),
      });
    }
  }
  const to = tenant !== undefined ? (ownership.tenant(tenant)?.contacts ?? []) : fixedTo;
  return {
    receiver: entry.receiver,
    queue: entry.queue,
    groupKey: entry.groupKey,
    incidentKey: entry.incidentKey,
    kind: entry.kind,
    status: firing.length > 0 ? 'firing' : 'resolved',
    groupLabels: entry.groupLabels,
    ...(tenant === undefined ? {} : { tenant }),
    ...(to === undefined ? {} : { to }),
    alerts: [
      ...firing.map((a) => notified(view(a), 'firing', entry.kind === 'incident')),
      ...resolved.map((a) => notified(view(a), 'resolved', entry.kind === 'incident')),
    ],
    suppressed,
    ...(incident === undefined ? {} : { incident }),
    createdAtMs: nowMs,
    links,
  };
}
