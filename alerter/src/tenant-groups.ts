import type { Labels } from '../../model/src/labels.ts';
import type { QueryPort, SeriesQuery } from '../../rules/src/query.ts';

/** One consumer group as the collector last stored it: what a tenant's view lists. */
export interface GroupView {
  cluster: string;
  group: string;
  /** classic, or consumer (the new protocol, KIP-848). */
  protocol: string;
  owner: string;
  members?: number;
  assignedPartitions?: number;
  rebalancing?: boolean;
  lagMessages?: number;
  lagSeconds?: number;
}

const fields = ['members', 'assigned_partitions', 'rebalancing', 'lag_messages_sum', 'lag_seconds_max'];
/** Groups not stored for this long are left out (deleted, or the collector stopped reading them). */
const recentMs = 2 * 60_000;

/**
 * The consumer groups stored in the last 2 minutes, each with its newest values, owned by `tenant` (or all,
 * for the operators): one bounded query through the alerter's query port. Owners are the alerter's catalog's.
 */
export async function readTenantGroups(
  port: QueryPort,
  nowMs: number,
  ownerOf: (labels: Labels) => string,
  tenant?: string,
): Promise<GroupView[]> {
  const query: SeriesQuery = {
    measurement: 'consumer_group',
    fields,
    fn: 'last',
    where: {},
    fromMs: nowMs - recentMs,
    toMs: nowMs,
    groupBy: ['cluster', 'group', 'protocol'],
  };
  const [answer] = await port.run([query]);
  if (answer instanceof Error) throw answer;
  const out: GroupView[] = [];
  for (const s of answer ?? []) {
    const labels = { cluster: s.tags.cluster ?? '', group: s.tags.group ?? '' };
    const owner = ownerOf(labels);
    if (tenant !== undefined && owner !== tenant) continue;
    const point = s.points.at(-1);
    if (point === undefined) continue;
    const v = (field: string): number | undefined => point.values[fields.indexOf(field)] ?? undefined;
    const rebalancing = v('rebalancing');
    out.push({
      ...labels,
      protocol: s.tags.protocol === '' || s.tags.protocol === undefined ? 'classic' : s.tags.protocol,
      owner,
      ...optional('members', v('members')),
      ...optional('assignedPartitions', v('assigned_partitions')),
      ...(rebalancing === undefined ? {} : { rebalancing: rebalancing === 1 }),
      ...optional('lagMessages', v('lag_messages_sum')),
      ...optional('lagSeconds', v('lag_seconds_max')),
    });
  }
  return out.sort((a, b) => a.cluster.localeCompare(b.cluster) || a.group.localeCompare(b.group));
}

const optional = <K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> =>
  value === undefined ? {} : ({ [key]: value } as Record<K, number>);
