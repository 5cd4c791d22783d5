import { createKafka, createProducer } from '../collector/src/kafka/client.ts';
import type { BrokerAddress } from '../collector/src/kafka/brokers.ts';
import { findCoordinators } from '../collector/src/kafka/groups.ts';
import type { KafkaSession } from '../collector/src/kafka/session.ts';

/** The consumer-lag benchmark's cluster content: topics × partitions, groups, and what each committed. */
export const seedShape = { topics: 200, partitions: 60, groups: 2_000, records: 20 } as const;

export const topicName = (t: number): string => `bench-lag-${String(t).padStart(3, '0')}`;
export const groupName = (g: number): string => `bench-group-${String(g).padStart(4, '0')}`;
/** Group g reads topic g mod topics, every partition; its committed offset on partition p. */
export const committedOf = (g: number, p: number): number => (g * 7 + p) % (seedShape.records + 1);

/**
 * Seeds the cluster (idempotent: what is there is kept): the topics (replication 1, so the lab holds 12,000
 * partitions), `records` records on every partition, and each group's commits (OffsetCommit outside any
 * generation, as an admin tool does). Progress goes to `say`.
 */
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
        topics: missing
          .slice(i, i + 20)
          .map((topic) => ({ topic, numPartitions: seedShape.partitions, replicationFactor: 1 })),
      });
      say(`created ${Math.min(i + 20, missing.length)}/${missing.length} topics`);
    }
    // Leaders for every partition before producing (the controller elects them in batches).
    for (let waited = 0; ; waited += 1) {
      const topics = await admin
        .fetchTopicMetadata({ topics: Array.from({ length: seedShape.topics }, (_, t) => topicName(t)) })
        .then((m) => m.topics)
        .catch(() => []); // a topic not known everywhere yet
      const leaderless = topics.flatMap((t) => t.partitions).filter((p) => p.leader < 0).length;
      const partitions = topics.reduce((n, t) => n + t.partitions.length, 0);
      if (leaderless === 0 && partitions === seedShape.topics * seedShape.partitions) break;
      if (waited > 120) throw new Error(`${leaderless} partitions still without a leader after 2 minutes`);
      await new Promise((done) => setTimeout(done, 1_000));
    }
    const producer = createProducer(kafka);
    await producer.connect();
    for (let t = 0; t < seedShape.topics; t++) {
      const topic = topicName(t);
      const ends = await admin.fetchTopicOffsets(topic);
      const short = ends.filter((e) => Number(e.high) < seedShape.records);
      if (short.length === 0) continue;
      await producer.send({
        topic,
        acks: 1,
        messages: short.flatMap((e) =>
          Array.from({ length: seedShape.records - Number(e.high) }, (_, i) => ({
            partition: e.partition,
            value: `seed ${i}`,
          })),
        ),
      });
      if (t % 20 === 19) say(`records on ${t + 1}/${seedShape.topics} topics`);
    }
    await producer.disconnect();
  } finally {
    await admin.disconnect();
  }
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
  let done = 0;
  await Promise.all(
    groups.map(async (groupId, g) => {
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
      if (++done % 500 === 0) say(`committed ${done}/${groups.length} groups`);
    }),
  );
}
