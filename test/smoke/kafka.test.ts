import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigResourceTypes, createConsumer, createProducer } from '../../collector/src/kafka/client.ts';
import type { Admin } from '../../collector/src/kafka/client.ts';
import { waitFor } from '../../lab/src/readiness.ts';
import { labKafka, uniqueName } from '../lab/lab.ts';

// Every admin call the collector will use, against the lab's Kafka 4 brokers (KIP-896 removed old
// protocol versions; kafkajs 2.2.4 must negotiate above them).
describe('kafkajs 2.2 against the lab cluster', () => {
  const kafka = labKafka('smoke-kafka');
  const topic = uniqueName('smoke');
  const group = uniqueName('smoke-group');
  let admin: Admin;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('creates an RF=3 topic whose partitions have 3 in-sync replicas', async () => {
    expect(
      await admin.createTopics({
        topics: [{ topic, numPartitions: 3, replicationFactor: 3 }],
        waitForLeaders: true,
      }),
    ).toBe(true);
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(topics[0]?.partitions).toHaveLength(3);
    for (const p of topics[0]?.partitions ?? []) {
      expect(p.replicas).toHaveLength(3);
      expect(p.isr).toHaveLength(3);
      expect(p.leader).toBeGreaterThan(0);
    }
  });

  it('produces with acks=all and consumes the records back in a consumer group', async () => {
    const producer = createProducer(kafka);
    await producer.connect();
    const values = Array.from({ length: 30 }, (_, i) => `record-${i}`);
    await producer.send({
      topic,
      acks: -1,
      messages: values.map((value, i) => ({ key: `k${i % 5}`, value })),
    });
    await producer.disconnect();

    const consumer = createConsumer(kafka, { groupId: group });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`consumed ${seen.length} of 30`)), 30_000);
      void consumer.run({
        eachMessage: ({ message }) => {
          seen.push(message.value?.toString() ?? '');
          if (seen.length === values.length) {
            clearTimeout(timer);
            done();
          }
          return Promise.resolve();
        },
      });
    });
    await consumer.disconnect();
    expect(seen.sort()).toEqual([...values].sort());
  });

  it('answers describeCluster with 3 brokers and a controller', async () => {
    const cluster = await admin.describeCluster();
    expect(cluster.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
    expect([1, 2, 3]).toContain(cluster.controller);
  });

  it('answers fetchTopicOffsets with high watermarks that sum to what was produced', async () => {
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets).toHaveLength(3);
    expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(30);
    expect(offsets.every((p) => p.low === '0')).toBe(true);
  });

  it('answers fetchOffsets with the group committed offsets', async () => {
    const committed = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    const total = committed[0]?.partitions.reduce((sum, p) => sum + Number(p.offset), 0);
    expect(total).toBe(30);
  });

  it('answers listGroups and describeGroups (the stopped group stays, Empty)', async () => {
    const { groups } = await admin.listGroups();
    expect(groups.map((g) => g.groupId)).toContain(group);
    // The coordinator handles the consumer's LeaveGroup on its own time: the group reaches Empty, and stays.
    await waitFor(`group ${group} to be Empty`, 15_000, async () => {
      const {
        groups: [g],
      } = await admin.describeGroups([group]);
      return g?.state === 'Empty';
    });
    const described = await admin.describeGroups([group]);
    expect(described.groups[0]?.groupId).toBe(group);
    expect(described.groups[0]?.state).toBe('Empty');
    expect(described.groups[0]?.members).toHaveLength(0);
  });

  it("answers describeConfigs with the topic's min.insync.replicas and retention.ms", async () => {
    const res = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: topic,
          configNames: ['min.insync.replicas', 'retention.ms'],
        },
      ],
    });
    const entries = Object.fromEntries(
      res.resources[0]?.configEntries.map((e) => [e.configName, e.configValue]) ?? [],
    );
    expect(entries['min.insync.replicas']).toBe('2');
    expect(Number(entries['retention.ms'])).toBeGreaterThan(0);
  });
});
