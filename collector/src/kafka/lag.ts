import type { BrokerAddress } from './brokers.ts';
import { memberAssignment } from './client.ts';
import { describeConsumerGroups, describesConsumerGroups, listGroups } from './group-protocols.ts';
import type { ConsumerGroupDescription, DescribedGroupHead, GroupProtocol } from './group-protocols.ts';
import { fetchGroupOffsets, findCoordinators } from './groups.ts';
import { listLogOffsets } from './log-offsets.ts';
import type { LogOffset } from './log-offsets.ts';
import { readMetadata } from './metadata.ts';
import type { KafkaSession } from './session.ts';
import { describeShareGroupOffsets, describeShareGroups, describesShareGroups } from './share-groups.ts';
import type { ShareGroupDescription, ShareGroupOffsets } from './share-groups.ts';
import { describeStreamsGroups, describesStreamsGroups } from './streams-groups.ts';
import type { StreamsGroupDescription } from './streams-groups.ts';
import { describeOpenTransactions, describesTransactions, listOpenTransactions } from './transactions.ts';

/**
 * One consumer group as the coordinator and its committed offsets describe it. Offset -1: nothing
 * committed (a partition assigned to a member that has not committed yet).
 */
export interface GroupOffsets {
  group: string;
  /**
   * The protocol the group runs: classic (DescribeGroups), consumer (KIP-848, ConsumerGroupDescribe), share
   * (KIP-932, ShareGroupDescribe; its `committed` offsets stand for its position, see below) or streams
   * (KIP-1071, StreamsGroupDescribe; its members' active tasks turned into the source partitions they read).
   */
  protocol: GroupProtocol;
  state: string;
  members: number;
  /** Partitions its members hold now. */
  assignedPartitions?: number;
  /** A rebalance in progress (classic: Preparing/CompletingRebalance; consumer: epochs or assignments apart). */
  rebalancing?: boolean;
  /** Consumer protocol: the group epoch and the target assignment's epoch. */
  epochs?: { group: number; assignment: number };
  /**
   * Offset -1: assigned, nothing committed. `holder`: the member holding the partition now. Share groups: the
   * first offset not yet acknowledged as Kafka counts it (the log end less Kafka's share-partition lag, never
   * before the start offset), `shareStart`, the share-partition start offset itself, and `shareBacklog`, Kafka's
   * own count of its records not yet acknowledged (DescribeShareGroupOffsets v1): the start offset alone stays
   * behind records acknowledged past it.
   */
  committed: {
    topic: string;
    partition: number;
    offset: number;
    holder?: { clientId: string; clientHost: string };
    shareStart?: number;
    shareBacklog?: number;
  }[];
  /** Set when the group's coordinator could not be asked: its offsets are the last read, at this time. */
  carriedSinceMs?: number;
}

/** Requests one lag read took, by type. */
export type LagRpcs = Record<
  | 'listGroups'
  | 'findCoordinator'
  | 'describeGroups'
  | 'consumerGroupDescribe'
  | 'shareGroupDescribe'
  | 'describeShareGroupOffsets'
  | 'streamsGroupDescribe'
  | 'offsetFetch'
  | 'metadata'
  | 'listOffsets'
  | 'fetch'
  | 'describeProducers'
  | 'listTransactions',
  number
>;

/** A request count with nothing counted yet. */
export const noRpcs = (): LagRpcs => ({
  listGroups: 0,
  findCoordinator: 0,
  describeGroups: 0,
  consumerGroupDescribe: 0,
  shareGroupDescribe: 0,
  describeShareGroupOffsets: 0,
  streamsGroupDescribe: 0,
  offsetFetch: 0,
  metadata: 0,
  listOffsets: 0,
  fetch: 0,
  describeProducers: 0,
  listTransactions: 0,
});

/** What one lag read saw, and the requests it took. Offsets are numbers (exact below 2^53). */
export interface LagSnapshot {
  groups: GroupOffsets[];
  /**
   * Log start and end (high watermark) offsets by `topic\u0000partition`, and the last stable offset where a
   * transaction is open (`stable` < `end`: the first offset of the oldest open transaction; absent when equal).
   */
  logs: Map<string, PartitionLog>;
  /** The leader of each partition with one, by `topic\u0000partition`. */
  leaders: Map<string, BrokerAddress>;
  /** The transaction holding each held-back partition's last stable offset, where its leader names it. */
  transactions: Map<string, HoldingTransaction>;
  /** False when a broker or coordinator could not be asked: groups may be missing from `groups`. */
  groupsComplete: boolean;
  rpcs: LagRpcs;
  errors: string[];
  /** What was read differently from asked (older brokers, group types not read), for the scrape record. */
  notes: string[];
}

/** One partition's log offsets. */
export interface PartitionLog {
  start: number;
  end: number;
  /** The last stable offset (ListOffsets read_committed) when below `end`: a transaction holds it back. */
  stable?: number;
}

/** The open transaction a partition's last stable offset waits on: its producer and, where known, its id. */
export interface HoldingTransaction {
  producerId: string;
  transactionalId?: string;
  /** When its producer last wrote to the partition (ms). */
  lastWriteMs: number;
}

/** Where a read_committed consumer can read up to: the last stable offset. */
export const readableEnd = (log: PartitionLog): number => log.stable ?? log.end;

/** Partition keys by topic, each made once: see partitionKey. */
const keysByTopic = new Map<string, string[]>();

/**
 * The key of a partition in `LagSnapshot.logs`: `topic\u0000partition`. The same string each time it is asked
 * for, so that every map keyed by it hashes it once and finds it by identity: a cycle looks up 100,000s of
 * committed partitions, and a key built anew each time cost most of it. Bounded: forgotten past 100,000 topics.
 */
export const partitionKey = (topic: string, partition: number): string => {
  if (!Number.isInteger(partition) || partition < 0) return `${topic}\u0000${partition}`;
  let keys = keysByTopic.get(topic);
  if (keys === undefined) {
    if (keysByTopic.size >= 100_000) keysByTopic.clear();
    keys = [];
    keysByTopic.set(topic, keys);
  }
  return (keys[partition] ??= `${topic}\u0000${partition}`);
};

/** Partitions a member holds, and who it is. */
interface Holding {
  clientId: string;
  clientHost: string;
  topics: { topic: string; partitions: number[] }[];
}

/**
 * Committed offsets plus, at -1, the partitions members were assigned but have not committed; each partition a
 * member holds names it. Also the count of partitions held.
 */
function withAssigned(
  committed: readonly { topic: string; partition: number; offset: number }[],
  holdings: readonly Holding[],
): { committed: GroupOffsets['committed']; assigned: number } {
  const holders = new Map<
    string,
    { topic: string; partition: number; holder: { clientId: string; clientHost: string }; committed: boolean }
  >();
  for (const h of holdings) {
    const holder = { clientId: h.clientId, clientHost: h.clientHost };
    for (const { topic, partitions } of h.topics)
      for (const partition of partitions)
        holders.set(partitionKey(topic, partition), { topic, partition, holder, committed: false });
  }
  const out: GroupOffsets['committed'] = [];
  for (const c of committed) {
    const held = holders.get(partitionKey(c.topic, c.partition));
    if (held === undefined) out.push({ topic: c.topic, partition: c.partition, offset: c.offset });
    else {
      held.committed = true;
      out.push({ topic: c.topic, partition: c.partition, offset: c.offset, holder: held.holder });
    }
  }
  for (const { topic, partition, holder, committed: seen } of holders.values())
    if (!seen) out.push({ topic, partition, offset: -1, holder });
  return { committed: out, assigned: holders.size };
}

const classicRebalancing = new Set(['PreparingRebalance', 'CompletingRebalance']);

/** Whether two assignments hold the same partitions (each lists a partition once, as Kafka's do). */
const sameAssignment = (
  a: readonly { topic: string; partitions: number[] }[],
  b: readonly { topic: string; partitions: number[] }[],
): boolean => {
  const count = (x: typeof a): number => x.reduce((n, t) => n + t.partitions.length, 0);
  if (count(a) !== count(b)) return false;
  const target = new Map(b.map((t) => [t.topic, new Set(t.partitions)]));
  return a.every((t) => {
    const held = target.get(t.topic);
    return held !== undefined && t.partitions.every((p) => held.has(p));
  });
};

type Commits = readonly { topic: string; partition: number; offset: number }[];

/**
 * A group of the new protocols (consumer, share, streams) from its describe answer and its commits: its members
 * and the partitions they hold, rebalancing while its epochs differ or a member does not hold its target yet
 * (`allAtTarget`). A group without members has nothing to rebalance, whatever its epochs (they part when the
 * last leaves).
 */
function describedGroup(
  protocol: GroupProtocol,
  d: DescribedGroupHead & {
    members: readonly { clientId: string; clientHost: string; assigned: Holding['topics'] }[];
  },
  committed: Commits,
  allAtTarget: boolean,
): GroupOffsets {
  const held = withAssigned(
    committed,
    d.members.map((m) => ({ clientId: m.clientId, clientHost: m.clientHost, topics: m.assigned })),
  );
  return {
    group: d.groupId,
    protocol,
    state: d.state,
    members: d.members.length,
    assignedPartitions: held.assigned,
    rebalancing: d.members.length > 0 && (d.groupEpoch !== d.assignmentEpoch || !allAtTarget),
    epochs: { group: d.groupEpoch, assignment: d.assignmentEpoch },
    committed: held.committed,
  };
}

const consumerGroup = (d: ConsumerGroupDescription, committed: Commits): GroupOffsets =>
  describedGroup(
    'consumer',
    d,
    committed,
    d.members.every((m) => sameAssignment(m.assigned, m.target)),
  );

const streamsGroup = (d: StreamsGroupDescription, committed: Commits): GroupOffsets =>
  describedGroup(
    'streams',
    d,
    committed,
    d.members.every((m) => m.atTarget),
  );

/**
 * A share group's record from its ShareGroupDescribe answer and its start offsets: each share-partition's start
 * offset stands for a commit until the log ends are read (readLagSnapshot moves it to the first record Kafka
 * counts unacknowledged), -1 for a partition assigned but not yet read.
 */
function shareGroup(d: ShareGroupDescription, offsets: ShareGroupOffsets): GroupOffsets {
  const out = describedGroup(
    'share',
    d,
    offsets.partitions.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.startOffset })),
    true,
  );
  const backlogOf = new Map(offsets.partitions.map((p) => [partitionKey(p.topic, p.partition), p.lag]));
  for (const c of out.committed) {
    if (c.offset < 0) continue;
    c.shareStart = c.offset;
    const backlog = backlogOf.get(partitionKey(c.topic, c.partition)) ?? -1;
    if (backlog >= 0) c.shareBacklog = backlog;
  }
  return out;
}

/** Splits `items` into runs of at most `size`. */
const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** Groups per DescribeGroups, ConsumerGroupDescribe or OffsetFetch request. */
const GROUPS_PER_REQUEST = 500;

/**
 * Every consumer group's state, members' assignments and committed offsets: ListGroups (v5, typed) on every
 * broker, one FindCoordinator for all groups, then per coordinator, in batches, each group described by its own
 * protocol (DescribeGroups for classic groups, ConsumerGroupDescribe for new-protocol ones) and OffsetFetch for
 * all. A broker that fails loses its own groups only (in `errors`).
 */
async function readGroups(
  session: KafkaSession,
  brokers: readonly BrokerAddress[],
  rpcs: LagRpcs,
  errors: string[],
  notes: string[],
): Promise<GroupOffsets[]> {
  const listed = await session.eachBroker(brokers, (b) => {
    rpcs.listGroups += 1;
    return listGroups(b);
  });
  const protocols = new Map<string, GroupProtocol>();
  let untyped = 0;
  listed.forEach((r, i) => {
    if (r.status === 'rejected') {
      errors.push(`ListGroups on broker ${brokers[i]?.nodeId}: ${(r.reason as Error).message}`);
      return;
    }
    if (!r.value.typed) untyped += 1;
    for (const g of r.value.groups) {
      if (g.protocol !== 'classic' || g.protocolType === 'consumer' || g.protocolType === '')
        protocols.set(g.groupId, g.protocol);
    }
  });
  if (untyped > 0)
    notes.push(
      `ListGroups below v5 on ${untyped} broker(s): groups read as classic (no new consumer protocol)`,
    );
  if (protocols.size === 0) return [];
  let found: Awaited<ReturnType<typeof findCoordinators>> | undefined;
  for (const b of brokers.filter((_, i) => listed[i]?.status === 'fulfilled')) {
    const r = await session.onBroker(b, (broker) => {
      rpcs.findCoordinator += 1;
      return findCoordinators(broker, [...protocols.keys()]);
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
        const classic = [];
        const consumer: ConsumerGroupDescription[] = [];
        const share: { description: ShareGroupDescription; offsets?: ShareGroupOffsets }[] = [];
        const streams: StreamsGroupDescription[] = [];
        const commits = [];
        const newProtocol = groups.filter((g) => protocols.get(g) === 'consumer');
        if (newProtocol.length > 0 && !describesConsumerGroups(broker))
          throw new Error('lists consumer-protocol groups but does not answer ConsumerGroupDescribe');
        const shared = groups.filter((g) => protocols.get(g) === 'share');
        if (shared.length > 0 && !describesShareGroups(broker))
          throw new Error('lists share groups but does not answer ShareGroupDescribe');
        if (groups.some((g) => protocols.get(g) === 'streams') && !describesStreamsGroups(broker))
          throw new Error('lists streams groups but does not answer StreamsGroupDescribe');
        for (const batch of chunks(shared, GROUPS_PER_REQUEST)) {
          rpcs.shareGroupDescribe += 1;
          rpcs.describeShareGroupOffsets += 1;
          const [d, o] = await Promise.all([
            describeShareGroups(broker, batch),
            describeShareGroupOffsets(broker, batch),
          ]);
          const offsetsOf = new Map(o.map((x) => [x.group, x]));
          for (const description of d)
            share.push({ description, offsets: offsetsOf.get(description.groupId) });
        }
        const committing = groups.filter((g) => protocols.get(g) !== 'share');
        // The batches at once: a coordinator answers them side by side, as it does the four requests of one.
        const answers = await Promise.all(
          chunks(committing, GROUPS_PER_REQUEST).map((batch) => {
            const old = batch.filter((g) => protocols.get(g) === 'classic');
            const young = batch.filter((g) => protocols.get(g) === 'consumer');
            const streaming = batch.filter((g) => protocols.get(g) === 'streams');
            rpcs.offsetFetch += 1;
            if (old.length > 0) rpcs.describeGroups += 1;
            if (young.length > 0) rpcs.consumerGroupDescribe += 1;
            if (streaming.length > 0) rpcs.streamsGroupDescribe += 1;
            return Promise.all([
              old.length > 0 ? broker.describeGroups({ groupIds: old }) : { groups: [] },
              describeConsumerGroups(broker, young),
              describeStreamsGroups(broker, streaming),
              fetchGroupOffsets(broker, batch),
            ]);
          }),
        );
        for (const [d, n, s, c] of answers) {
          classic.push(...d.groups);
          consumer.push(...n);
          streams.push(...s);
          commits.push(...c);
        }
        return { classic, consumer, share, streams, commits };
      });
      if (r.status === 'rejected') {
        errors.push(`groups on coordinator ${address.nodeId}: ${(r.reason as Error).message}`);
        return;
      }
      const committedOf = new Map(r.value.commits.map((c) => [c.group, c]));
      for (const g of r.value.classic) {
        const c = committedOf.get(g.groupId);
        if (g.errorCode !== 0 || c === undefined || c.errorCode !== 0) {
          errors.push(`group ${g.groupId}: error ${g.errorCode || c?.errorCode}`);
          continue;
        }
        const held = withAssigned(
          c.committed,
          g.members.map((m) => ({
            clientId: m.clientId,
            clientHost: m.clientHost,
            topics: Object.entries(memberAssignment(m.memberAssignment)).map(([topic, partitions]) => ({
              topic,
              partitions,
            })),
          })),
        );
        out.push({
          group: g.groupId,
          protocol: 'classic',
          state: g.state,
          members: g.members.length,
          assignedPartitions: held.assigned,
          rebalancing: classicRebalancing.has(g.state),
          committed: held.committed,
        });
      }
      for (const g of r.value.consumer) {
        const c = committedOf.get(g.groupId);
        if (g.errorCode !== 0 || c === undefined || c.errorCode !== 0) {
          errors.push(
            `group ${g.groupId}: error ${g.errorCode || c?.errorCode}${g.errorMessage ? ` (${g.errorMessage})` : ''}`,
          );
          continue;
        }
        out.push(consumerGroup(g, c.committed));
      }
      for (const g of r.value.streams) {
        const c = committedOf.get(g.groupId);
        if (g.errorCode !== 0 || c === undefined || c.errorCode !== 0) {
          errors.push(
            `streams group ${g.groupId}: error ${g.errorCode || c?.errorCode}${g.errorMessage ? ` (${g.errorMessage})` : ''}`,
          );
          continue;
        }
        out.push(streamsGroup(g, c.committed));
      }
      for (const { description: g, offsets: o } of r.value.share) {
        if (g.errorCode !== 0 || o === undefined || o.errorCode !== 0) {
          const message = g.errorMessage ?? o?.errorMessage;
          errors.push(
            `share group ${g.groupId}: error ${g.errorCode || o?.errorCode}${message ? ` (${message})` : ''}`,
          );
          continue;
        }
        for (const p of o.partitions.filter((x) => x.errorCode !== 0))
          errors.push(`share group ${g.groupId} ${p.topic}/${p.partition}: error ${p.errorCode}`);
        out.push(shareGroup(g, { ...o, partitions: o.partitions.filter((x) => x.errorCode === 0) }));
      }
    }),
  );
  return out.sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
}

/**
 * Reads every consumer group (readGroups), then (after them, so lag is never negative) the log start and
 * end offsets of every partition of the cluster: one Metadata request and ListOffsets batched per leader
 * broker (three requests per leader: latest, latest read_committed (the last stable offset) and earliest).
 * Uses the session's kept connections.
 */
export async function readLagSnapshot(session: KafkaSession): Promise<LagSnapshot> {
  const rpcs = noRpcs();
  const errors: string[] = [];
  const notes: string[] = [];
  // One Metadata request: the brokers, and the leaders of every topic's partitions (produce rates come from
  // the same log-end offsets, so all topics, not only those with commits).
  const metadata = await session.onAnyBroker((b) => {
    rpcs.metadata += 1;
    return readMetadata(b);
  });
  const { brokers } = metadata;
  const groups = await readGroups(session, brokers, rpcs, errors, notes);
  const groupsComplete = errors.length === 0;
  const owned = new Map<number, { topic: string; partition: number }[]>();
  for (const p of metadata.partitions) {
    if (p.leader < 0) continue;
    const list = owned.get(p.leader) ?? [];
    list.push({ topic: p.topic, partition: p.partition });
    owned.set(p.leader, list);
  }

  const logs = new Map<string, PartitionLog>();
  const leaders = new Map<string, BrokerAddress>();
  const targets = brokers.filter((b) => owned.has(b.nodeId));
  const results = await session.eachBroker(targets, async (broker) => {
    const address = targets.find((b) => b.nodeId === broker.nodeId);
    const byTopic = new Map<string, number[]>();
    for (const p of owned.get(broker.nodeId) ?? []) {
      const partitions = byTopic.get(p.topic);
      if (partitions === undefined) byTopic.set(p.topic, [p.partition]);
      else partitions.push(p.partition);
    }
    rpcs.listOffsets += 3;
    const [latest, stable, earliest] = await Promise.all([
      listLogOffsets(broker, byTopic, -1, 0),
      listLogOffsets(broker, byTopic, -1, 1),
      listLogOffsets(broker, byTopic, -2, 0),
    ]);
    const offsets = (answer: LogOffset[]): Map<string, number> => {
      const out = new Map<string, number>();
      for (const p of answer) if (p.errorCode === 0) out.set(partitionKey(p.topic, p.partition), p.offset);
      return out;
    };
    const starts = offsets(earliest);
    const stables = offsets(stable);
    for (const p of latest) {
      const key = partitionKey(p.topic, p.partition);
      if (p.errorCode !== 0) {
        errors.push(`ListOffsets ${p.topic}/${p.partition} on broker ${broker.nodeId}: error ${p.errorCode}`);
        continue;
      }
      const end = p.offset;
      const lso = stables.get(key);
      const log: PartitionLog = { start: starts.get(key) ?? 0, end };
      if (lso !== undefined && lso < end) log.stable = lso;
      logs.set(key, log);
      if (address !== undefined) leaders.set(key, address);
    }
  });
  results.forEach((r, i) => {
    if (r.status === 'rejected') {
      errors.push(`ListOffsets on broker ${targets[i]?.nodeId}: ${(r.reason as Error).message}`);
    }
  });
  // A share group's position: the first record Kafka has not counted acknowledged (its lag before the log end).
  for (const g of groups)
    if (g.protocol === 'share')
      for (const c of g.committed) {
        const backlog = c.shareBacklog;
        const log = backlog === undefined ? undefined : logs.get(partitionKey(c.topic, c.partition));
        if (backlog !== undefined && log !== undefined) c.offset = Math.max(c.offset, log.end - backlog);
      }
  const transactions = await readHoldingTransactions(session, brokers, logs, leaders, rpcs, errors);
  return { groups, groupsComplete, logs, leaders, transactions, rpcs, errors, notes };
}

/**
 * For partitions whose last stable offset is below the high watermark: the open transaction at that offset
 * (DescribeProducers on each such partition's leader) and its transactional id (ListTransactions on every
 * broker, each coordinating some). Nothing is asked while no transaction holds a partition back.
 */
async function readHoldingTransactions(
  session: KafkaSession,
  brokers: readonly BrokerAddress[],
  logs: ReadonlyMap<string, PartitionLog>,
  leaders: ReadonlyMap<string, BrokerAddress>,
  rpcs: LagRpcs,
  errors: string[],
): Promise<Map<string, HoldingTransaction>> {
  const out = new Map<string, HoldingTransaction>();
  const held = new Map<
    number,
    { address: BrokerAddress; partitions: { topic: string; partition: number }[] }
  >();
  for (const [key, log] of logs) {
    const leader = leaders.get(key);
    if (log.stable === undefined || leader === undefined) continue;
    const [topic = '', partition = ''] = key.split('\u0000');
    const entry = held.get(leader.nodeId) ?? { address: leader, partitions: [] };
    entry.partitions.push({ topic, partition: Number(partition) });
    held.set(leader.nodeId, entry);
  }
  if (held.size === 0) return out;
  const leadersAsked = [...held.values()];
  const described = await session.eachBroker(
    leadersAsked.map((h) => h.address),
    async (broker) => {
      if (!describesTransactions(broker)) return [];
      rpcs.describeProducers += 1;
      const answer = await describeOpenTransactions(broker, held.get(broker.nodeId)?.partitions ?? []);
      errors.push(...answer.errors);
      return answer.open;
    },
  );
  described.forEach((r, i) => {
    if (r.status === 'rejected') {
      errors.push(
        `DescribeProducers on broker ${leadersAsked[i]?.address.nodeId}: ${(r.reason as Error).message}`,
      );
      return;
    }
    for (const t of r.value) {
      const key = partitionKey(t.topic, t.partition);
      if (logs.get(key)?.stable === t.startOffset)
        out.set(key, { producerId: t.producerId, lastWriteMs: t.lastWriteMs });
    }
  });
  if (out.size === 0) return out;
  const listed = await session.eachBroker(brokers, async (broker) => {
    if (!describesTransactions(broker)) return [];
    rpcs.listTransactions += 1;
    return listOpenTransactions(broker);
  });
  const idOf = new Map<string, string>();
  listed.forEach((r, i) => {
    if (r.status === 'rejected')
      errors.push(`ListTransactions on broker ${brokers[i]?.nodeId}: ${(r.reason as Error).message}`);
    else for (const t of r.value) idOf.set(t.producerId, t.transactionalId);
  });
  for (const t of out.values()) {
    const id = idOf.get(t.producerId);
    if (id !== undefined) t.transactionalId = id;
  }
  return out;
}
