import type { Labels } from '../../model/src/labels.ts';
import type { NewestRows } from './query/influx.ts';

/** One consumer group as the collector last stored it: what a tenant's view lists. */
export interface GroupView {
  cluster: string;
  group: string;
  /** classic, or consumer (the new protocol, KIP-848), share, streams. */
  protocol: string;
  /** The owning tenant; absent when nobody owns the group. */
  owner?: string;
  /** As the group's coordinator said it (Stable, Empty, PreparingRebalance …). */
  state?: string;
  members?: number;
  assignedPartitions?: number;
  rebalancing?: boolean;
  lagMessages?: number;
  lagSeconds?: number;
  /** When the collector read it (ISO 8601). */
  at: string;
}

/** Groups not stored for this long are left out (deleted, or the collector stopped reading them). */
const recentMs = 2 * 60_000;

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  value === undefined ? {} : ({ [key]: value } as Record<K, V>);

/**
 * The consumer groups stored in the last 2 minutes, each with its newest reading (state included), owned by
 * `tenant` (or all, for the operators): one bounded query. Owners are the alerter's catalog's.
 */
export async function readTenantGroups(
  reader: { newestRows: NewestRows },
  nowMs: number,
  ownerOf: (labels: Labels) => string,
  tenant?: string,
): Promise<GroupView[]> {
  const rows = await reader.newestRows(
    'consumer_group',
    {},
    ['cluster', 'group', 'protocol'],
    nowMs - recentMs,
  );
  const out: GroupView[] = [];
  for (const r of rows) {
    const labels = { cluster: r.tags.cluster ?? '', group: r.tags.group ?? '' };
    const owner = ownerOf(labels);
    if (tenant !== undefined && owner !== tenant) continue;
    const v = r.values;
    const rebalancing = num(v.rebalancing);
    out.push({
      ...labels,
      protocol: r.tags.protocol === '' || r.tags.protocol === undefined ? 'classic' : r.tags.protocol,
      ...optional('owner', owner === '' ? undefined : owner),
      ...optional('state', typeof v.state === 'string' && v.state !== '' ? v.state : undefined),
      ...optional('members', num(v.members)),
      ...optional('assignedPartitions', num(v.assigned_partitions)),
      ...(rebalancing === undefined ? {} : { rebalancing: rebalancing === 1 }),
      ...optional('lagMessages', num(v.lag_messages_sum)),
      ...optional('lagSeconds', num(v.lag_seconds_max)),
      at: new Date(r.timeMs).toISOString(),
    });
  }
  return out.sort((a, b) => a.cluster.localeCompare(b.cluster) || a.group.localeCompare(b.group));
}
