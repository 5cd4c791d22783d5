import type { NewestRows } from './query/influx.ts';

/** One partition of a group as the collector last stored it. */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** 0: assigned to a member, nothing committed yet. */
  hasCommit: boolean;
  committedOffset?: number;
  logEndOffset?: number;
  lagMessages?: number;
  lagSeconds?: number;
  /** exact, interpolated, extrapolated, none (docs/lag.md). */
  lagMethod?: string;
  clientId?: string;
  clientHost?: string;
}

/** A consumer group's lag as the collector's newest cycle stored it: the group, and each of its partitions. */
export interface GroupLag {
  cluster: string;
  group: string;
  protocol: string;
  atMs: number;
  state?: string;
  members?: number;
  lagMessages?: number;
  lagSeconds?: number;
  partitions: PartitionLag[];
}

/** Groups not stored for this long are not answered (deleted, or the collector stopped reading them). */
const recentMs = 2 * 60_000;

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
/** `{ key: value }` when there is a value, `{}` when not. */
const some = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  value === undefined ? {} : ({ [key]: value } as Record<K, V>);

/**
 * The newest stored reading of one group (`consumer_group`) and of its partitions (`consumer_lag`) taken in that
 * same cycle, or undefined when the group was not stored in the last 2 minutes.
 */
export async function readGroupLag(
  reader: { newestRows: NewestRows },
  cluster: string,
  group: string,
  nowMs: number,
): Promise<GroupLag | undefined> {
  const eq = { cluster, group };
  const [groups, partitions] = await Promise.all([
    reader.newestRows('consumer_group', eq, ['protocol'], nowMs - recentMs),
    reader.newestRows('consumer_lag', eq, ['topic', 'partition'], nowMs - recentMs),
  ]);
  const g = groups.sort((a, b) => b.timeMs - a.timeMs)[0];
  if (g === undefined) return undefined;
  return {
    cluster,
    group,
    protocol: g.tags.protocol === undefined || g.tags.protocol === '' ? 'classic' : g.tags.protocol,
    atMs: g.timeMs,
    ...some('state', str(g.values.state)),
    ...some('members', num(g.values.members)),
    ...some('lagMessages', num(g.values.lag_messages_sum)),
    ...some('lagSeconds', num(g.values.lag_seconds_max)),
    partitions: partitions
      .filter((p) => p.timeMs === g.timeMs)
      .map((p) => ({
        topic: p.tags.topic ?? '',
        partition: Number(p.tags.partition),
        hasCommit: num(p.values.has_commit) !== 0,
        ...some('committedOffset', num(p.values.committed_offset)),
        ...some('logEndOffset', num(p.values.log_end_offset)),
        ...some('lagMessages', num(p.values.lag_messages)),
        ...some('lagSeconds', num(p.values.lag_seconds)),
        ...some('lagMethod', str(p.values.lag_method)),
        ...some('clientId', str(p.values.client_id)),
        ...some('clientHost', str(p.values.client_host)),
      }))
      .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition),
  };
}
