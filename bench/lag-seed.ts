import { createKafka, createProducer } from '../collector/src/kafka/client.ts';
import type { BrokerAddress } from '../collector/src/kafka/brokers.ts';
import { fetchGroupOffsets, findCoordinators } from '../collector/src/kafka/groups.ts';
import type { KafkaSession } from '../collector/src/kafka/session.ts';
import { partitionKey } from '../collector/src/kafka/lag.ts';
import type { GroupOffsets, LagSnapshot } from '../collector/src/kafka/lag.ts';

/** The consumer-lag benchmark's cluster content: topics × partitions, groups, and what each committed. */
export const seedShape = { topics: 200, partitions: 60, replication: 3, groups: 2_000, records: 20 } as const;

export const topicName = (t: number): string => `bench-lag-${String(t).padStart(3, '0')}`;
export const groupName = (g: number): string => `bench-group-${String(g).padStart(4, '0')}`;
/** Group g reads topic g mod topics, every partition; its committed offset on partition p. */
export const committedOf = (g: number, p: number): number => (g * 7 + p) % (seedShape.records + 1);
/** A group's lag in messages in a snapshot, summed over its committed partitions (what both peers print). */
export const snapshotLag = (snap: LagSnapshot, g: GroupOffsets): number =>
  g.committed.reduce((sum, c) => {
    const log = snap.logs.get(partitionKey(c.topic, c.partition));
    return (
      sum + (log === undefined || c.offset < 0 ? 0 : Math.max(0, log.end - Math.max(c.offset, log.start)))
    );
  }, 0);
/** Half the groups use the new consumer protocol (KIP-848), half the classic one: odd groups are `consumer`. */
export const protocolOf = (g: number): 'classic' | 'consumer' => (g % 2 === 1 ? 'consumer' : 'classic');

type Admin = ReturnType<ReturnType<typeof createKafka>['admin']>;
type Producer = ReturnType<typeof createProducer>;

/** Tops every partition of `topic` up to `records` records. */
async function fillTopic(admin: Admin, producer: Producer, topic: string): Promise<void> {
  const ends = await admin.fetchTopicOffsets(topic);
  const short = ends.filter((e) => Number(e.high) < seedShape.records);
  if (short.length === 0) return;
  // acks all: the high watermark read back on a retry or a later run already counts what this sent.
  await producer.send({
    topic,
    acks: -1,
    messages: short.flatMap((e) =>
      Array.from({ length: seedShape.records - Number(e.high) }, (_, i) => ({
        partition: e.partition,
        value: `seed ${i}`,
      })),
    ),
  });
}

/**
 * Tops every seeded topic up. Leaders move while a 2-core lab takes on 36,000 new replicas (a broker misses a
 * heartbeat and is fenced for a moment), and kafkajs keeps the metadata it had: a failed topic is tried again
 * with new clients (what is already there is not sent twice).
 */
async function fillTopics(session: KafkaSession, say: (line: string) => void): Promise<void> {
  let t = 0;
  for (let attempt = 1; t < seedShape.topics; attempt++) {
    const kafka = createKafka(session.endpoint);
    const admin = kafka.admin();
    const producer = createProducer(kafka);
    try {
      await admin.connect();
      await producer.connect();
      for (; t < seedShape.topics; t++) {
        await fillTopic(admin, producer, topicName(t));
        if (t % 20 === 19) say(`records on ${t + 1}/${seedShape.topics} topics`);
      }
    } catch (err) {
      if (attempt >= 20) throw err;
      say(`filling ${topicName(t)}: ${(err as Error).message}; again with new clients`);
      await new Promise((done) => setTimeout(done, 2_000));
    } finally {
      await producer.disconnect().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
  }
}

/**
 * Seeds the cluster (idempotent: what is there is kept): the topics (replication 3: 12,000 partitions, 36,000
 * replicas on the lab's 3 brokers), `records` records on every partition, and each group's commits
 * (OffsetCommit outside any generation, as an admin tool does, while the group has no members). Progress goes
 * to `say`. Throws if a topic of the seed's name exists with another shape (a lab seeded by an older version).
 */
/**
 * Every seeded topic's log end per partition, read by kafkajs's admin (not the collector's code): the truth the
 * benchmark checks lag against with the seeded commits. A fill retried after a broker refused it part way (the
 * 2-core lab fences a broker now and then while it takes on 36,000 replicas) may have appended some records
 * twice, so the ends are read, not assumed to be `records`.
 */
export async function seededEnds(session: KafkaSession): Promise<number[][]> {
  const admin = createKafka(session.endpoint).admin();
  await admin.connect();
  try {
    const out: number[][] = [];
    for (let t = 0; t < seedShape.topics; t++) {
      const ends: number[] = [];
      for (const e of await admin.fetchTopicOffsets(topicName(t))) ends[e.partition] = Number(e.high);
      out.push(ends);
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

export async function seedLagCluster(session: KafkaSession, say: (line: string) => void): Promise<void> {
  const kafka = createKafka(session.endpoint);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = Array.from({ length: seedShape.topics }, (_, t) => topicName(t)).filter(
      (t) => !existing.has(t),
    );
    for (let i = 0; i < missing.length; i += 20) {
      await admin.createTopics({
        waitForLeaders: false,
        topics: missing.slice(i, i + 20).map((topic) => ({
          topic,
          numPartitions: seedShape.partitions,
          replicationFactor: seedShape.replication,
        })),
      });
      say(`created ${Math.min(i + 20, missing.length)}/${missing.length} topics`);
    }
    // Leaders for every partition before producing (the controller elects them in batches).
    for (let waited = 0; ; waited += 1) {
      const topics = await admin
        .fetchTopicMetadata({ topics: Array.from({ length: seedShape.topics }, (_, t) => topicName(t)) })
        .then((m) => m.topics)
        .catch(() => []); // a topic not known everywhere yet
      const misshapen = topics.find(
        (t) =>
          t.partitions.length > 0 &&
          (t.partitions.length !== seedShape.partitions ||
            t.partitions.some((p) => p.replicas.length !== seedShape.replication)),
      );
      if (misshapen !== undefined)
        throw new Error(
          `${misshapen.name} exists with ${misshapen.partitions.length} partitions of replication ${misshapen.partitions[0]?.replicas.length}, not ${seedShape.partitions} × ${seedShape.replication}: start the benchmark on a new lab ('lookout lab down', then 'lookout lab up')`,
        );
      const leaderless = topics.flatMap((t) => t.partitions).filter((p) => p.leader < 0).length;
      const partitions = topics.reduce((n, t) => n + t.partitions.length, 0);
      if (leaderless === 0 && partitions === seedShape.topics * seedShape.partitions) break;
      if (waited > 300) throw new Error(`${leaderless} partitions still without a leader after 5 minutes`);
      if (waited % 15 === 14) say(`${leaderless} partitions still without a leader`);
      await new Promise((done) => setTimeout(done, 1_000));
    }
  } finally {
    await admin.disconnect();
  }
  await fillTopics(session, say);
  const groups = Array.from({ length: seedShape.groups }, (_, g) => groupName(g));
  // The first lookup creates __consumer_offsets: ask until every group has its coordinator.
  let coordinators = new Map<string, BrokerAddress>();
  for (let attempt = 0; coordinators.size < groups.length; attempt++) {
    if (attempt > 60)
      throw new Error(`coordinators found for ${coordinators.size}/${groups.length} groups only`);
    if (attempt > 0) await new Promise((done) => setTimeout(done, 1_000));
    const found = await session.onAnyBroker((b) => findCoordinators(b, groups)).catch(() => undefined);
    if (found !== undefined) coordinators = found.coordinators;
  }
  // 100 groups at a time: 2,000 commits at once (each 60 offsets, replicated 3 ways) outrun a 2-core lab.
  const commit = async (groupId: string, g: number): Promise<void> => {
    const coordinator = coordinators.get(groupId);
    if (coordinator === undefined) throw new Error(`no coordinator for ${groupId}`);
    const r = await session.onBroker(coordinator, (b) =>
      b.offsetCommit({
        groupId,
        groupGenerationId: -1,
        memberId: '',
        topics: [
          {
            topic: topicName(g % seedShape.topics),
            partitions: Array.from({ length: seedShape.partitions }, (_, p) => ({
              partition: p,
              offset: String(committedOf(g, p)),
            })),
          },
        ],
      }),
    );
    if (r.status === 'rejected') throw r.reason as Error;
  };
  // A group that already holds its seeded commits (an earlier run) is left as it is.
  const seeded = new Set<string>();
  for (const coordinator of new Map([...coordinators.values()].map((b) => [b.nodeId, b])).values()) {
    const mine = groups.filter((g) => coordinators.get(g)?.nodeId === coordinator.nodeId);
    for (let i = 0; i < mine.length; i += 500) {
      const r = await session.onBroker(coordinator, (b) => fetchGroupOffsets(b, mine.slice(i, i + 500)));
      if (r.status === 'rejected') continue; // committed again below
      for (const got of r.value) {
        const g = Number(got.group.slice('bench-group-'.length));
        const right = got.committed.filter(
          (c) => c.topic === topicName(g % seedShape.topics) && c.offset === committedOf(g, c.partition),
        );
        if (
          got.errorCode === 0 &&
          right.length === seedShape.partitions &&
          got.committed.length === right.length
        )
          seeded.add(got.group);
      }
    }
  }
  const todo = groups.map((groupId, g) => ({ groupId, g })).filter(({ groupId }) => !seeded.has(groupId));
  if (seeded.size > 0) say(`${seeded.size} groups hold their seeded commits already`);
  for (let i = 0; i < todo.length; i += 100) {
    await Promise.all(todo.slice(i, i + 100).map(({ groupId, g }) => commit(groupId, g)));
    if ((i + 100) % 500 === 0 || i + 100 >= todo.length)
      say(`committed ${Math.min(i + 100, todo.length)}/${todo.length} groups`);
  }
}
