import { withEachBroker } from './brokers.ts';
import type { KafkaEndpoint } from './client.ts';
import { createKafka } from './client.ts';

/** One consumer group as the coordinator and its committed offsets describe it. Offset -1: nothing committed. */
export interface GroupOffsets {
  group: string;
  state: string;
  members: number;
  committed: { topic: string; partition: number; offset: number }[];
}

/** What one lag read saw, and the requests it took. Offsets are numbers (exact below 2^53). */
export interface LagSnapshot {
  groups: GroupOffsets[];
  /** Log start and end offsets by `topic\u0000partition`. */
  logs: Map<string, { start: number; end: number }>;
  rpcs: Record<'listGroups' | 'describeGroups' | 'offsetFetch' | 'metadata' | 'listOffsets', number>;
  errors: string[];
}

/** The key of a partition in `LagSnapshot.logs`. */
export const partitionKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Reads every consumer group's state and committed offsets, then (after them, so lag is never negative) the
 * log start and end offsets of every partition of the cluster: ListOffsets batched per leader broker (two
 * requests per leader: latest and earliest), one Metadata request, OffsetFetch per group with bounded
 * concurrency.
 */
export async function readLagSnapshot(endpoint: KafkaEndpoint, concurrency = 16): Promise<LagSnapshot> {
  const admin = createKafka(endpoint).admin();
  const rpcs = { listGroups: 0, describeGroups: 0, offsetFetch: 0, metadata: 0, listOffsets: 0 };
  const errors: string[] = [];
  await admin.connect();
  let groups: GroupOffsets[];
  let leaders: Map<number, { topic: string; partition: number }[]>;
  let brokers: { nodeId: number; host: string; port: number }[];
  try {
    const cluster = await admin.describeCluster();
    brokers = cluster.brokers;
    rpcs.listGroups += brokers.length; // kafkajs asks every broker
    const ids = (await admin.listGroups()).groups
      .filter((g) => g.protocolType === 'consumer' || g.protocolType === '')
      .map((g) => g.groupId);
    const described = ids.length === 0 ? [] : (await admin.describeGroups(ids)).groups;
    rpcs.describeGroups += 1;
    groups = await mapLimit(described, concurrency, async (g) => {
      rpcs.offsetFetch += 1;
      const topics = await admin.fetchOffsets({ groupId: g.groupId });
      return {
        group: g.groupId,
        state: g.state,
        members: g.members.length,
        committed: topics.flatMap((t) =>
          t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: Number(p.offset) })),
        ),
      };
    });
    // Every topic, not only those with commits: produce rates come from the same log-end offsets.
    leaders = new Map();
    {
      rpcs.metadata += 1;
      const metadata = await admin.fetchTopicMetadata();
      for (const t of metadata.topics) {
        for (const p of t.partitions) {
          if (p.leader < 0) continue;
          const list = leaders.get(p.leader) ?? [];
          list.push({ topic: t.name, partition: p.partitionId });
          leaders.set(p.leader, list);
        }
      }
    }
  } finally {
    await admin.disconnect();
  }

  const logs = new Map<string, { start: number; end: number }>();
  const targets = brokers.filter((b) => leaders.has(b.nodeId));
  const results = await withEachBroker(endpoint, targets, async (broker) => {
    const owned = leaders.get(broker.nodeId) ?? [];
    const byTopic = new Map<string, number[]>();
    for (const p of owned) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
    const ask = (timestamp: number) =>
      broker.listOffsets({
        replicaId: -1,
        isolationLevel: 0,
        topics: [...byTopic].map(([topic, partitions]) => ({
          topic,
          partitions: partitions.map((partition) => ({ partition, timestamp })),
        })),
      });
    rpcs.listOffsets += 2;
    const [latest, earliest] = await Promise.all([ask(-1), ask(-2)]);
    const starts = new Map(
      earliest.responses.flatMap((r) =>
        r.partitions.map((p) => [partitionKey(r.topic, p.partition), Number(p.offset)] as const),
      ),
    );
    for (const r of latest.responses) {
      for (const p of r.partitions) {
        const key = partitionKey(r.topic, p.partition);
        if (p.errorCode !== 0)
          errors.push(
            `ListOffsets ${r.topic}/${p.partition} on broker ${broker.nodeId}: error ${p.errorCode}`,
          );
        else logs.set(key, { start: starts.get(key) ?? 0, end: Number(p.offset) });
      }
    }
  });
  results.forEach((r, i) => {
    if (r.status === 'rejected')
      errors.push(`ListOffsets on broker ${targets[i]?.nodeId}: ${(r.reason as Error).message}`);
  });
  return { groups, logs, rpcs, errors };
}
