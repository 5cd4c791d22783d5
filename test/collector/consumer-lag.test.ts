import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../model/src/sample.ts';
import { KafkaSession } from '../../collector/src/kafka/session.ts';
import { consumerLagSource } from '../../collector/src/sources/lag/consumer-lag.ts';
import { controlBroker } from '../../lab/src/control.ts';
import { createConsumer, createProducer } from '../../collector/src/kafka/client.ts';
import { partitionKey, readLagSnapshot } from '../../collector/src/kafka/lag.ts';
import { lagSamples } from '../../collector/src/sources/lag/consumer-lag.ts';
import { currentLab, labKafka, uniqueName, withLabSession, waitForEveryPartitionInSync } from '../lab/lab.ts';

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
    expect(snap.rpcs.listOffsets).toBeLessThanOrEqual(3 * 3); // latest, read_committed, earliest per leader
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

  it('is never negative under concurrent produce and commit; reports assigned partitions without a commit', async () => {
    const kafka = labKafka('lag-test-concurrent');
    const admin = kafka.admin();
    await admin.connect();
    const topic = uniqueName('lag-busy');
    const busy = uniqueName('busy');
    const idle = uniqueName('assigned');
    await admin.createTopics({
      topics: [{ topic, numPartitions: 3, replicationFactor: 3 }],
      waitForLeaders: true,
    });
    const producer = createProducer(kafka);
    await producer.connect();
    let producing = true;
    const produced = (async () => {
      for (let i = 0; producing; i++) {
        await producer.send({
          topic,
          acks: 1,
          messages: Array.from({ length: 20 }, (_, k) => ({ value: `${i}.${k}` })),
        });
      }
    })();
    // A consumer committing as fast as it reads, and one assigned the partitions that never commits.
    const reader = createConsumer(kafka, { groupId: busy });
    await reader.connect();
    await reader.subscribe({ topic, fromBeginning: true });
    await reader.run({ autoCommitInterval: 50, eachMessage: () => Promise.resolve() });
    const holder = createConsumer(kafka, { groupId: idle });
    await holder.connect();
    await holder.subscribe({ topic, fromBeginning: true });
    const joined = new Promise<void>((done) => holder.on(holder.events.GROUP_JOIN, () => done()));
    await holder.run({ autoCommit: false, eachMessage: () => new Promise<void>(() => undefined) });
    holder.pause([{ topic }]);
    await joined;
    let snapshots = 0;
    let busyCommits = 0;
    const deadline = Date.now() + 15_000;
    let last: Awaited<ReturnType<typeof readLagSnapshot>> | undefined;
    await withLabSession('lag-test-concurrent', async (session) => {
      while (Date.now() < deadline) {
        const snap = await readLagSnapshot(session);
        snapshots += 1;
        for (const g of snap.groups.filter((x) => x.group === busy)) {
          for (const c of g.committed.filter((x) => x.offset >= 0)) {
            const log = snap.logs.get(partitionKey(c.topic, c.partition));
            busyCommits += 1;
            // Raw figures, before any clamp: the commit read first can never be past the end read after it.
            expect((log?.end ?? Number.NaN) - c.offset).toBeGreaterThanOrEqual(0);
          }
        }
        last = snap;
      }
    });
    producing = false;
    await produced;
    console.log(`${snapshots} snapshots, ${busyCommits} committed positions checked under load`);
    expect(busyCommits).toBeGreaterThan(0);
    const assigned = last?.groups.find((g) => g.group === idle);
    expect(assigned?.members).toBe(1);
    expect(assigned?.committed.map((c) => c.offset).sort()).toEqual([-1, -1, -1]);
    const samples = last === undefined ? [] : lagSamples('lab', last, Date.now(), () => '');
    const uncommitted = samples.filter((s) => s.measurement === 'consumer_lag' && s.tags.group === idle);
    expect(uncommitted.map((s) => s.fields.has_commit)).toEqual([0, 0, 0]);
    expect(uncommitted.every((s) => s.fields.lag_messages === undefined)).toBe(true);
    await Promise.all([reader.disconnect(), holder.disconnect(), producer.disconnect()]);
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  }, 90_000);

  it('keeps emitting lag for the partitions other brokers lead while one broker is dead', async () => {
    const dir = currentLab().dir;
    const kafka = labKafka('lag-test-kill');
    const admin = kafka.admin();
    await admin.connect();
    const topic = uniqueName('lag-spread');
    const group = uniqueName('spread');
    // Replication 1, two partitions on each broker: broker 3's go offline with it.
    await admin.createTopics({
      topics: [
        {
          topic,
          replicaAssignment: [1, 2, 3, 1, 2, 3].map((b, partition) => ({ partition, replicas: [b] })),
        },
      ],
      waitForLeaders: true,
    });
    const producer = createProducer(kafka);
    await producer.connect();
    await producer.send({
      topic,
      acks: 1,
      messages: Array.from({ length: 60 }, (_, i) => ({ partition: i % 6, value: String(i) })),
    });
    await producer.disconnect();
    await admin.setOffsets({
      groupId: group,
      topic,
      partitions: [0, 1, 2, 3, 4, 5].map((partition) => ({ partition, offset: '4' })),
    });
    const source = (session: KafkaSession) => consumerLagSource('lab', session, () => '', 100);
    const partitionsEmitted = (samples: readonly Sample[]) =>
      samples
        .filter((s) => s.measurement === 'consumer_lag' && s.tags.group === group)
        .map((s) => Number(s.tags.partition))
        .sort();
    const live = currentLab()
      .brokers.filter((b) => b.id !== 3)
      .map((b) => `127.0.0.1:${b.port}`);
    const session = new KafkaSession({ brokers: live, clientId: 'lag-test-kill', requestTimeoutMs: 5_000 });
    const lag = source(session);
    const signal = new AbortController().signal;
    try {
      expect(partitionsEmitted((await lag.collect(Date.now(), signal)).samples)).toEqual([0, 1, 2, 3, 4, 5]);
      await controlBroker(dir, 3, 'kill');
      const cycles: number[][] = [];
      for (let i = 0; i < 4; i++) {
        const started = Date.now();
        const got = await lag.collect(Date.now(), signal);
        cycles.push(partitionsEmitted(got.samples));
        console.log(
          `cycle ${i} with broker 3 dead: ${Date.now() - started} ms, ${got.errorCount} errors (${got.firstError ?? ''})`,
        );
        await sleep(2_000);
      }
      // Partitions 0, 1, 3, 4 (brokers 1 and 2) in every cycle; broker 3's at most until it is known dead.
      for (const emitted of cycles) expect(emitted.filter((p) => p !== 2 && p !== 5)).toEqual([0, 1, 3, 4]);
    } finally {
      await session.close();
      await controlBroker(dir, 3, 'start');
    }
    await waitForEveryPartitionInSync();
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  }, 120_000);
});
