import type { BrokerAddress } from './brokers.ts';
import { memberAssignment } from './client.ts';
import { fetchGroupOffsets, findCoordinators } from './groups.ts';
import { readMetadata } from './metadata.ts';
import type { KafkaSession } from './session.ts';

/**
 * One consumer group as the coordinator and its committed offsets describe it. Offset -1: nothing
 * committed (a partition assigned to a member that has not committed yet).
 */
export interface GroupOffsets {
  group: string;
  state: string;
  members: number;
  committed: { topic: string; partition: number; offset: number }[];
  /** Set when the group's coordinator could not be asked: its offsets are the last read, at this time. */
  carriedSinceMs?: number;
}

/** Requests one lag read took, by type. */
export type LagRpcs = Record<
  'listGroups' | 'findCoordinator' | 'describeGroups' | 'offsetFetch' | 'metadata' | 'listOffsets' | 'fetch',
  number
>;

/** A request count with nothing counted yet. */
export const noRpcs = (): LagRpcs => ({
  listGroups: 0,
  findCoordinator: 0,
  describeGroups: 0,
  offsetFetch: 0,
  metadata: 0,
  listOffsets: 0,
  fetch: 0,
});

/** What one lag read saw, and the requests it took. Offsets are numbers (exact below 2^53). */
export interface LagSnapshot {
  groups: GroupOffsets[];
  /** Log start and end offsets by `topic\u0000partition`. */
  logs: Map<string, { start: number; end: number }>;
  /** The leader of each partition with one, by `topic\u0000partition`. */
  leaders: Map<string, BrokerAddress>;
  /** False when a broker or coordinator could not be asked: groups may be missing from `groups`. */
  groupsComplete: boolean;
  rpcs: LagRpcs;
  errors: string[];
}

/** The key of a partition in `LagSnapshot.logs`. */
export const partitionKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/** Committed offsets plus, at -1, the partitions members were assigned but have not committed. */
function withAssigned(
  committed: GroupOffsets['committed'],
  assignments: readonly Buffer[],
): GroupOffsets['committed'] {
  const seen = new Set(committed.map((c) => partitionKey(c.topic, c.partition)));
  const out = [...committed];
  for (const blob of assignments) {
    for (const [topic, partitions] of Object.entries(memberAssignment(blob))) {
      for (const partition of partitions) {
        const key = partitionKey(topic, partition);
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ topic, partition, offset: -1 });
      }
    }
  }
  return out;
}

/** Splits `items` into runs of at most `size`. */
const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** Groups per DescribeGroups or OffsetFetch request. */
const GROUPS_PER_REQUEST = 500;

/**
 * Every consumer group's state, members' assignments and committed offsets: ListGroups on every broker,
 * one FindCoordinator for all groups, then per coordinator DescribeGroups and OffsetFetch for its groups in
 * batches. A broker that fails loses its own groups only (in `errors`).
 */
async function readGroups(
  session: KafkaSession,
  brokers: readonly BrokerAddress[],
  rpcs: LagRpcs,
  errors: string[],
): Promise<GroupOffsets[]> {
  const listed = await session.eachBroker(brokers, (b) => {
    rpcs.listGroups += 1;
    return b.listGroups();
  });
  const ids = new Set<string>();
  listed.forEach((r, i) => {
    if (r.status === 'rejected') {
      errors.push(`ListGroups on broker ${brokers[i]?.nodeId}: ${(r.reason as Error).message}`);
      return;
    }
    for (const g of r.value.groups) {
      if (g.protocolType === 'consumer' || g.protocolType === '') ids.add(g.groupId);
    }
  });
  if (ids.size === 0) return [];
  let found: Awaited<ReturnType<typeof findCoordinators>> | undefined;
  for (const b of brokers.filter((_, i) => listed[i]?.status === 'fulfilled')) {
    const r = await session.onBroker(b, (broker) => {
      rpcs.findCoordinator += 1;
      return findCoordinators(broker, [...ids]);
    });
    if (r.status === 'fulfilled') {
      found = r.value;
      break;
    }
  }
  if (found === undefined) throw new Error('FindCoordinator failed on every broker');
  errors.push(...found.errors);
  const byCoordinator = new Map<number, { address: BrokerAddress; groups: string[] }>();
  for (const [group, address] of found.coordinators) {
    const entry = byCoordinator.get(address.nodeId) ?? { address, groups: [] };
    entry.groups.push(group);
    byCoordinator.set(address.nodeId, entry);
  }
  const out: GroupOffsets[] = [];
  await Promise.all(
    [...byCoordinator.values()].map(async ({ address, groups }) => {
      const r = await session.onBroker(address, async (broker) => {
        const described = [];
        const commits = [];
        for (const batch of chunks(groups, GROUPS_PER_REQUEST)) {
          rpcs.describeGroups += 1;
          rpcs.offsetFetch += 1;
          const [d, c] = await Promise.all([
            broker.describeGroups({ groupIds: batch }),
            fetchGroupOffsets(broker, batch),
          ]);
          described.push(...d.groups);
          commits.push(...c);
        }
        return { described, commits };
      });
      if (r.status === 'rejected') {
        errors.push(`groups on coordinator ${address.nodeId}: ${(r.reason as Error).message}`);
        return;
      }
      const committedOf = new Map(r.value.commits.map((c) => [c.group, c]));
      for (const g of r.value.described) {
        const c = committedOf.get(g.groupId);
        if (g.errorCode !== 0 || c === undefined || c.errorCode !== 0) {
          errors.push(`group ${g.groupId}: error ${g.errorCode || c?.errorCode}`);
          continue;
        }
        out.push({
          group: g.groupId,
          state: g.state,
          members: g.members.length,
          committed: withAssigned(
            c.committed,
            g.members.map((m) => m.memberAssignment),
          ),
        });
      }
    }),
  );
  return out.sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
}

/**
 * Reads every consumer group (readGroups), then (after them, so lag is never negative) the log start and
 * end offsets of every partition of the cluster: one Metadata request and ListOffsets batched per leader
 * broker (two requests per leader: latest and earliest). Uses the session's kept connections.
 */
export async function readLagSnapshot(session: KafkaSession): Promise<LagSnapshot> {
  const rpcs = noRpcs();
  const errors: string[] = [];
  // One Metadata request: the brokers, and the leaders of every topic's partitions (produce rates come from
  // the same log-end offsets, so all topics, not only those with commits).
  const metadata = await session.onAnyBroker((b) => {
    rpcs.metadata += 1;
    return readMetadata(b);
  });
  const { brokers } = metadata;
  const groups = await readGroups(session, brokers, rpcs, errors);
  const groupsComplete = errors.length === 0;
  const owned = new Map<number, { topic: string; partition: number }[]>();
  for (const p of metadata.partitions) {
    if (p.leader < 0) continue;
    const list = owned.get(p.leader) ?? [];
    list.push({ topic: p.topic, partition: p.partition });
    owned.set(p.leader, list);
  }

  const logs = new Map<string, { start: number; end: number }>();
  const leaders = new Map<string, BrokerAddress>();
  const targets = brokers.filter((b) => owned.has(b.nodeId));
  const results = await session.eachBroker(targets, async (broker) => {
    const address = targets.find((b) => b.nodeId === broker.nodeId);
    const byTopic = new Map<string, number[]>();
    for (const p of owned.get(broker.nodeId) ?? []) {
      byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
    }
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
        if (p.errorCode !== 0) {
          errors.push(
            `ListOffsets ${r.topic}/${p.partition} on broker ${broker.nodeId}: error ${p.errorCode}`,
          );
          continue;
        }
        logs.set(key, { start: starts.get(key) ?? 0, end: Number(p.offset) });
        if (address !== undefined) leaders.set(key, address);
      }
    }
  });
  results.forEach((r, i) => {
    if (r.status === 'rejected') {
      errors.push(`ListOffsets on broker ${targets[i]?.nodeId}: ${(r.reason as Error).message}`);
    }
  });
  return { groups, groupsComplete, logs, leaders, rpcs, errors };
}
