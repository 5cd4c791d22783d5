import type { Labels } from '../../model/src/labels.ts';
import type { QueryPort, SeriesQuery } from '../../rules/src/query.ts';

/** One group's lag over time: the points' times and values (null: not stored in that bucket). */
export interface GroupLagHistory {
  cluster: string;
  group: string;
  times: number[];
  lagMessages: (number | null)[];
  lagSeconds: (number | null)[];
}

/** One topic's produce rate now: its partitions' newest rates summed. */
export interface TopicRate {
  cluster: string;
  topic: string;
  messagesPerSecond: number;
  partitions: number;
}

/** The most hours a history covers, and the points per series it is cut into at most. */
export const maxHistoryHours = 24;
const points = 240;
/** The collector's default cycle: no bucket is finer. */
const finest = 15_000;

async function run(port: QueryPort, query: SeriesQuery) {
  const [answer] = await port.run([query]);
  if (answer instanceof Error) throw answer;
  return answer ?? [];
}

/**
 * Only the series the collector tagged with `tenant` (it tags each with its owner, from the same catalog), so a
 * tenant's request reads its own series, not the platform's; the alerter's catalog still decides below.
 */
const taggedWith = (tenant: string | undefined): SeriesQuery['where'] =>
  tenant === undefined ? {} : { tenant };

/**
 * The lag of a tenant's groups (or every group, for `undefined`) over the last `hours`: per group the worst
 * of each bucket (at most 240 buckets, none finer than 15 s), in messages and seconds. One bounded query.
 */
export async function readLagHistory(
  port: QueryPort,
  nowMs: number,
  hours: number,
  ownerOf: (labels: Labels) => string,
  tenant: string | undefined,
): Promise<{ stepMs: number; groups: GroupLagHistory[] }> {
  const spanMs = hours * 3_600_000;
  const stepMs = Math.max(finest, Math.ceil(spanMs / points / finest) * finest);
  const fromMs = Math.floor((nowMs - spanMs) / stepMs) * stepMs;
  const series = await run(port, {
    measurement: 'consumer_group',
    fields: ['lag_messages_sum', 'lag_seconds_max'],
    fn: 'max',
    where: taggedWith(tenant),
    fromMs,
    toMs: nowMs,
    stepMs,
    groupBy: ['cluster', 'group'],
  });
  const groups: GroupLagHistory[] = [];
  for (const s of series) {
    const labels = { cluster: s.tags.cluster ?? '', group: s.tags.group ?? '' };
    if (tenant !== undefined && ownerOf(labels) !== tenant) continue;
    const kept = s.points.filter((p) => p.values.some((v) => v !== null));
    if (kept.length === 0) continue;
    groups.push({
      ...labels,
      times: kept.map((p) => p.timeMs),
      lagMessages: kept.map((p) => p.values[0] ?? null),
      lagSeconds: kept.map((p) => p.values[1] ?? null),
    });
  }
  groups.sort((a, b) => a.cluster.localeCompare(b.cluster) || a.group.localeCompare(b.group));
  return { stepMs, groups };
}

/**
 * The produce rates of a tenant's topics now (the collector's `partition_offsets.messages_per_s`, newest per
 * partition in the last 2 minutes, summed per topic), busiest first. Owners are the alerter's catalog's.
 */
export async function readTopicRates(
  port: QueryPort,
  nowMs: number,
  ownerOf: (labels: Labels) => string,
  tenant: string | undefined,
): Promise<TopicRate[]> {
  const series = await run(port, {
    measurement: 'partition_offsets',
    fields: ['messages_per_s'],
    fn: 'last',
    where: taggedWith(tenant),
    fromMs: nowMs - 2 * 60_000,
    toMs: nowMs,
    groupBy: ['cluster', 'topic', 'partition'],
  });
  const topics = new Map<string, TopicRate>();
  for (const s of series) {
    const [cluster, topic] = [s.tags.cluster ?? '', s.tags.topic ?? ''];
    if (tenant !== undefined && ownerOf({ cluster, topic }) !== tenant) continue;
    const rate = s.points.at(-1)?.values[0];
    if (rate === undefined || rate === null) continue;
    const key = `${cluster}\u0000${topic}`;
    const t = topics.get(key) ?? { cluster, topic, messagesPerSecond: 0, partitions: 0 };
    t.messagesPerSecond += rate;
    t.partitions += 1;
    topics.set(key, t);
  }
  return [...topics.values()].sort(
    (a, b) => b.messagesPerSecond - a.messagesPerSecond || a.topic.localeCompare(b.topic),
  );
}
