import type { TrackedAlert } from '../../../rules/src/alert.ts';
import type { EvidenceRow } from '../../../rules/src/evaluate.ts';
import type { IncidentView } from '../notify/notification.ts';
import type { Group, Mute } from './group.ts';
import type { Inhibitor } from './inhibit.ts';
import type { Ownership } from './ownership.ts';
import type { Timing } from './tree.ts';

/**
 * Platform incidents: one group per firing, unsilenced incident source and tenant it affects: the owners of the
 * topics in its evidence (and in the evidence of what it hides), and the owners of the tenant alerts it hides.
 * Each holds only that tenant's topics and alerts.
 */
export function incidentGroups(
  alerts: readonly TrackedAlert[],
  inhibited: ReadonlyMap<string, { source: TrackedAlert; rule: number }>,
  mutes: ReadonlyMap<string, Mute>,
  ownership: Ownership,
  inhibitor: Inhibitor,
  to: { receiver: string; timing: Timing },
): Map<string, Group> {
  const groups = new Map<string, Group>();
  const receiver = to.receiver;
  const bySource = new Map<string, { source: TrackedAlert; effects: TrackedAlert[] }>();
  const now = new Map(alerts.map((a) => [a.fingerprint, a]));
  for (const a of alerts) {
    const i = inhibited.get(a.fingerprint);
    if (i === undefined || !inhibitor.isIncident(i.rule)) continue;
    // The source as it is now, not as the inhibitor last saw it: a broker back (or gone) is an incident over,
    // and its tenants hear so at once, though its effects stay hidden for the rule's hold.
    const source = now.get(i.source.fingerprint);
    if (source === undefined) continue;
    const entry = bySource.get(source.fingerprint) ?? { source, effects: [] };
    entry.effects.push(a);
    bySource.set(source.fingerprint, entry);
  }
  for (const a of alerts)
    if (a.phase === 'firing' && !bySource.has(a.fingerprint) && inhibitor.isIncidentSource(a))
      bySource.set(a.fingerprint, { source: a, effects: [] });
  for (const { source, effects } of bySource.values()) {
    if (source.phase !== 'firing' || mutes.get(source.fingerprint)?.silencedBy !== undefined) continue;
    const cluster = source.labels.cluster ?? '';
    // Topics the incident affects: the source's evidence, and the evidence of what it hides.
    const topics = new Map<string, EvidenceRow[]>();
    for (const row of [source, ...effects].flatMap((x) => x.affected ?? [])) {
      const topic = row.labels.topic;
      if (topic === undefined) continue;
      const owner = ownership.ownerOf('topic', topic);
      if (owner === '') continue;
      const rows = topics.get(owner) ?? [];
      if (!rows.some((r) => r.labels.topic === topic)) rows.push(row);
      topics.set(owner, rows);
    }
    const held = new Map<string, IncidentView['held']>();
    for (const e of effects) {
      const owner = ownership.ownerOfLabels(e.labels);
      if (owner === '' || !e.audience.includes('tenant')) continue;
      const list = held.get(owner) ?? [];
      list.push({ alertname: e.rule, labels: e.labels, summary: e.annotations.summary ?? e.rule });
      held.set(owner, list);
    }
    for (const tenant of new Set([...topics.keys(), ...held.keys()])) {
      const key = JSON.stringify(['incident', receiver, tenant, source.fingerprint]);
      groups.set(key, {
        key,
        receiver,
        queue: `${receiver}/${tenant}`,
        route: { id: 'incident', ...to.timing },
        kind: 'incident',
        labels: { alertname: source.rule, cluster },
        tenant,
        alerts: [source],
        incident: {
          summary: source.annotations.summary ?? source.rule,
          cluster,
          topics: topics.get(tenant) ?? [],
          held: held.get(tenant) ?? [],
        },
      });
    }
  }
  return groups;
}
