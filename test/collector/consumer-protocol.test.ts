import { afterAll, describe, expect, it } from 'vitest';
import { createProducer } from '../../collector/src/kafka/client.ts';
import { partitionKey, readLagSnapshot } from '../../collector/src/kafka/lag.ts';
import type { GroupOffsets, LagSnapshot } from '../../collector/src/kafka/lag.ts';
import { lagSamples } from '../../collector/src/sources/consumer-lag.ts';
import { runKafkaTool, startKafkaTool } from '../../lab/src/kafka-tools.ts';
import type { KafkaToolProcess } from '../../lab/src/kafka-tools.ts';
import { bootstrapOf } from '../../lab/src/state.ts';
import { currentLab, labKafka, uniqueName, until, withLabSession } from '../lab/lab.ts';

// A consumer group of the new consumer protocol (KIP-848, `group.protocol=consumer`), run by Kafka's own Java
// console consumer from the lab's jars: kafkajs speaks only the classic protocol, whose DescribeGroups answers
// such a group as one without members. Lookout must describe it by ConsumerGroupDescribe, and agree with
// Kafka's own `kafka-consumer-groups --describe`.

/** One partition's row of `kafka-consumer-groups --describe --group G`. */
interface ToolRow {
  partition: number;
  offset: number | undefined;
  logEnd: number;
  lag: number | undefined;
  clientId: string | undefined;
  host: string | undefined;
}

async function describeWithKafka(group: string, topic: string): Promise<Map<number, ToolRow>> {
  const out = await runKafkaTool('org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', [
    '--bootstrap-server',
    bootstrapOf(currentLab()).join(','),
    '--describe',
    '--group',
    group,
  ]);
  const rows = new Map<number, ToolRow>();
  for (const line of out.split('\n')) {
    // GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID
    const [g, t, partition, offset, logEnd, lag, consumerId, host, clientId] = line.trim().split(/\s+/);
    if (g !== group || t !== topic || partition === undefined || logEnd === undefined) continue;
    const value = (v: string | undefined) => (v === undefined || v === '-' ? undefined : Number(v));
    rows.set(Number(partition), {
      partition: Number(partition),
      offset: value(offset),
      logEnd: Number(logEnd),
      lag: value(lag),
      clientId: consumerId === '-' ? undefined : clientId,
      host: consumerId === '-' ? undefined : host,
    });
  }
  return rows;
}

/** Our reading of the same group, per partition, in the tool's terms. */
function ourRows(snap: LagSnapshot, g: GroupOffsets, topic: string): Map<number, ToolRow> {
  const rows = new Map<number, ToolRow>();
  for (const c of g.committed) {
    if (c.topic !== topic) continue;
    const log = snap.logs.get(partitionKey(topic, c.partition));
    if (log === undefined) continue;
    rows.set(c.partition, {
      partition: c.partition,
      offset: c.offset < 0 ? undefined : c.offset,
      logEnd: log.end,
      lag: c.offset < 0 ? undefined : log.end - Math.max(c.offset, log.start),
      clientId: c.holder?.clientId,
      host: c.holder?.clientHost,
    });
  }
  return rows;
}

describe('a new-protocol consumer group (KIP-848) on the lab', () => {
  const topic = uniqueName('kip848');
  const group = uniqueName('kip848-group');
  const consumers: KafkaToolProcess[] = [];
  afterAll(async () => {
    for (const c of consumers) c.kill('SIGKILL');
    const admin = labKafka('kip848-cleanup').admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.deleteGroups([group]).catch(() => undefined);
    await admin.disconnect();
  });

  it('is described by its own protocol: members, assignment and lag as Kafka tells them; stopped, Empty with its lag', async () => {
    const kafka = labKafka('kip848-test');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic, numPartitions: 3, replicationFactor: 3 }],
      waitForLeaders: true,
    });
    await admin.disconnect();
    const producer = createProducer(kafka);
    await producer.connect();
    const produce = (n: number) =>
      producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: n }, (_, i) => ({ partition: i % 3, value: `m${i}` })),
      });
    await produce(300);

    for (const id of ['a', 'b']) {
      const c = await startKafkaTool('org.apache.kafka.tools.consumer.ConsoleConsumer', [
        '--bootstrap-server',
        bootstrapOf(currentLab()).join(','),
        '--topic',
        topic,
        '--group',
        group,
        '--from-beginning',
        '--consumer-property',
        'group.protocol=consumer',
        '--consumer-property',
        `client.id=${group}-${id}`,
        '--consumer-property',
        'auto.commit.interval.ms=1000',
      ]);
      c.stdout.resume(); // the records it prints
      c.stderr.resume();
      consumers.push(c);
    }

    // Both members in, holding the 3 partitions, everything read and committed.
    const read = () => withLabSession('kip848-test', readLagSnapshot);
    const live = await until('both members holding every partition, caught up', 90_000, async () => {
      const snap = await read();
      const g = snap.groups.find((x) => x.group === group);
      const caughtUp = g?.committed.every((c) => c.offset >= 100) === true;
      return g?.members === 2 && g.assignedPartitions === 3 && g.rebalancing === false && caughtUp
        ? { snap, g }
        : undefined;
    });
    expect(live.g).toMatchObject({ protocol: 'consumer', state: 'Stable', members: 2 });
    expect(live.g.epochs?.group).toBe(live.g.epochs?.assignment);
    const holders = new Set(live.g.committed.map((c) => c.holder?.clientId));
    expect([...holders].sort()).toEqual([`${group}-a`, `${group}-b`]);
    expect(ourRows(live.snap, live.g, topic)).toEqual(await describeWithKafka(group, topic));
    const sample = lagSamples('lab', live.snap, Date.now(), () => 'kip848').find(
      (s) => s.measurement === 'consumer_group' && s.tags.group === group,
    );
    expect(sample?.tags.protocol).toBe('consumer');
    expect(sample?.fields).toMatchObject({
      state: 'Stable',
      members: 2,
      assigned_partitions: 3,
      rebalancing: 0,
      lag_messages_sum: 0,
    });

    // Stopped (each leaves the group), then 50 more records: Empty, no members, 50 behind.
    for (const c of consumers) c.kill('SIGTERM');
    await Promise.all(consumers.map((c) => new Promise((done) => c.on('close', done))));
    await produce(50);
    await producer.disconnect();
    const stopped = await until('the group empty, 50 behind', 60_000, async () => {
      const snap = await read();
      const g = snap.groups.find((x) => x.group === group);
      const sum = g?.committed.reduce(
        (n, c) => n + ((snap.logs.get(partitionKey(topic, c.partition))?.end ?? 0) - c.offset),
        0,
      );
      return g?.members === 0 && sum === 50 ? { snap, g } : undefined;
    });
    expect(stopped.g).toMatchObject({
      protocol: 'consumer',
      state: 'Empty',
      members: 0,
      assignedPartitions: 0,
    });
    expect(ourRows(stopped.snap, stopped.g, topic)).toEqual(await describeWithKafka(group, topic));
    expect(stopped.snap.notes).toEqual([]);
  }, 240_000);
});
