import { describe, expect, it } from 'vitest';
import { createConsumer, createProducer } from '../../collector/src/kafka/client.ts';
import { partitionKey, readLagSnapshot } from '../../collector/src/kafka/lag.ts';
import { lagSamples } from '../../collector/src/sources/consumer-lag.ts';
import { labKafka, uniqueName, withLabSession } from '../lab/lab.ts';

describe('consumer lag against the lab', () => {
  it('equals the truth for scripted produce and commits; keeps a stopped group; reports what retention deleted', async () => {
    const kafka = labKafka('lag-test');
    const admin = kafka.admin();
    await admin.connect();
    const topic = uniqueName('lag');
    const scripted = uniqueName('scripted');
    const stopped = uniqueName('stopped');
    await admin.createTopics({
      topics: [{ topic, numPartitions: 3, replicationFactor: 3 }],
      waitForLeaders: true,
    });
    const producer = createProducer(kafka);
    await producer.connect();
    for (const [partition, count] of [
      [0, 100],
      [1, 40],
      [2, 7],
    ] as const) {
      await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: count }, (_, i) => ({ partition, value: `m${i}` })),
      });
    }
    await producer.disconnect();
    // A group that consumed everything, then stopped.
    const consumer = createConsumer(kafka, { groupId: stopped });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let seen = 0;
    await new Promise<void>((done) => {
      void consumer.run({ eachMessage: () => Promise.resolve(void (++seen === 147 && done())) });
    });
    await consumer.disconnect();
    // A group with scripted commits: partition 0 at 90, partition 1 at 3 (then retention deletes up to 10), none on 2.
    await admin.setOffsets({
      groupId: scripted,
      topic,
      partitions: [
        { partition: 0, offset: '90' },
        { partition: 1, offset: '3' },
      ],
    });
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 1, offset: '10' }] });

    const snap = await withLabSession('lag-test', readLagSnapshot);
    expect(snap.errors).toEqual([]);
    expect(snap.logs.get(partitionKey(topic, 1))).toEqual({ start: 10, end: 40 });
    expect(snap.rpcs.listOffsets).toBeLessThanOrEqual(2 * 3);
    expect(snap.rpcs.metadata).toBe(1);
    const samples = lagSamples('lab', snap, Date.now(), () => '');
    const lag = (group: string, p: number) =>
      samples.find(
        (s) =>
          s.measurement === 'consumer_lag' &&
          s.tags.group === group &&
          s.tags.topic === topic &&
          s.tags.partition === String(p),
      )?.fields;
    expect(lag(scripted, 0)).toMatchObject({ committed_offset: 90, lag_messages: 10, lost_messages: 0 });
    expect(lag(scripted, 1)).toMatchObject({ committed_offset: 3, lag_messages: 30, lost_messages: 7 });
    expect(lag(scripted, 2)).toBeUndefined(); // never committed there: not invented
    for (const p of [0, 1, 2]) expect(lag(stopped, p)).toMatchObject({ lag_messages: 0, has_commit: 1 });

    const group = samples.find((s) => s.measurement === 'consumer_group' && s.tags.group === stopped);
    expect(group?.fields).toMatchObject({ state: 'Empty', members: 0, partitions: 3 });
    await admin.deleteTopics({ topics: [topic] });
    await admin.deleteGroups([scripted, stopped]).catch(() => undefined);
    await admin.disconnect();
  }, 90_000);
});
