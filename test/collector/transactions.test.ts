import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Sample } from '../../model/src/sample.ts';
import { createConsumer } from '../../collector/src/kafka/client.ts';
import { consumerLagSource } from '../../collector/src/sources/lag/consumer-lag.ts';
import { runKafkaTool, startKafkaTool } from '../../lab/src/kafka-tools.ts';
import type { KafkaToolProcess } from '../../lab/src/kafka-tools.ts';
import { labResources } from '../../lab/src/paths.ts';
import { bootstrapOf } from '../../lab/src/state.ts';
import { evaluateRules } from '../../rules/src/evaluate.ts';
import { loadRules } from '../../rules/src/load.ts';
import { MemoryPort } from '../../rules/src/memory-port.ts';
import { asMemoryPoint, currentLab, labKafka, sleep, uniqueName, until, withLabSession } from '../lab/lab.ts';

// Transactions on the lab, written by Kafka's own transactional producer (kafka-producer-perf-test with a
// transactional id; kafkajs is not used, so the records, markers and transaction state are the Java client's)
// and read by a read_committed consumer.

const bootstrap = (): string => bootstrapOf(currentLab()).join(',');

/** kafka-producer-perf-test: `records` of 50 bytes at `perSecond`, one transaction every `txMs`. */
function perfTestArgs(topic: string, id: string, records: number, perSecond: number, txMs: number): string[] {
  return [
    '--topic',
    topic,
    '--num-records',
    String(records),
    '--throughput',
    String(perSecond),
    '--record-size',
    '50',
    '--transactional-id',
    id,
    '--transaction-duration-ms',
    String(txMs),
    '--producer-props',
    `bootstrap.servers=${bootstrap()}`,
    'transaction.timeout.ms=900000',
  ];
}

/** LAG of the group's partition 0 as `kafka-consumer-groups --describe` prints it. */
async function toolLag(
  group: string,
  topic: string,
): Promise<{ offset: number; logEnd: number; lag: number }> {
  const out = await runKafkaTool('org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', [
    '--bootstrap-server',
    bootstrap(),
    '--describe',
    '--group',
    group,
  ]);
  for (const line of out.split('\n')) {
    const [g, t, partition, offset, logEnd, lag] = line.trim().split(/\s+/);
    if (g === group && t === topic && partition === '0')
      return { offset: Number(offset), logEnd: Number(logEnd), lag: Number(lag) };
  }
  throw new Error(`kafka-consumer-groups printed no row for ${group} ${topic}/0:\n${out}`);
}

describe('transactions on the lab', () => {
  const committedTopic = uniqueName('tx-committed');
  const openTopic = uniqueName('tx-open');
  const group = uniqueName('tx-reader');
  const txId = uniqueName('tx-hanging');
  const running: KafkaToolProcess[] = [];
  afterAll(async () => {
    for (const p of running) p.kill('SIGKILL');
    const admin = labKafka('tx-cleanup').admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [committedTopic, openTopic] }).catch(() => undefined);
    await admin.deleteGroups([group]).catch(() => undefined);
    await admin.disconnect();
  });

  it('a read_committed group that has read everything reads lag 0, not 1 for the commit marker', async () => {
    const admin = labKafka('tx-test').admin();
    await admin.connect();
    await admin.createTopics({
      topics: [committedTopic, openTopic].map((topic) => ({ topic, numPartitions: 1, replicationFactor: 3 })),
      waitForLeaders: true,
    });
    await admin.disconnect();
    await runKafkaTool(
      'org.apache.kafka.tools.ProducerPerformance',
      perfTestArgs(committedTopic, uniqueName('tx-committed-id'), 200, 400, 100),
    );
    // A read_committed consumer that commits after each record it processes (kafkajs reads committed by default):
    // after the last record it has committed the offset of the last transaction's commit marker.
    const consumer = createConsumer(labKafka('tx-reader'), { groupId: group });
    await consumer.connect();
    await consumer.subscribe({ topics: [committedTopic], fromBeginning: true });
    let read = 0;
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        read += 1;
        await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
      },
    });
    await until('the consumer has read all 200 records', 60_000, () => (read >= 200 ? true : undefined));
    await sleep(2_000);
    await consumer.disconnect();
    const kafka = await toolLag(group, committedTopic);
    const ours = await withLabSession('tx-test', async (session) => {
      const out = await consumerLagSource('lab', session).collect(Date.now(), new AbortController().signal);
      return out.samples.find(
        (s) => s.measurement === 'consumer_lag' && s.tags.group === group && s.tags.topic === committedTopic,
      )?.fields;
    });
    console.log(
      `read_committed group at ${kafka.offset} of ${kafka.logEnd}: kafka-consumer-groups LAG ${kafka.lag}; Lookout lag_messages ${String(ours?.lag_messages)}, lag_seconds ${String(ours?.lag_seconds)}`,
    );
    // The case exists: the group stopped before the last transaction's commit marker, which Kafka counts.
    expect(kafka.lag).toBe(1);
    expect(ours).toMatchObject({ committed_offset: kafka.offset, lag_messages: 0, lag_seconds: 0 });
  }, 120_000);

  it('a transaction left open: the last stable offset stays while the log grows, its transactional id is named, KafkaTransactionHanging is pending', async () => {
    // One transaction of 10 minutes at 20 records/s: open for the whole test.
    const producer = await startKafkaTool(
      'org.apache.kafka.tools.ProducerPerformance',
      perfTestArgs(openTopic, txId, 100_000, 20, 600_000),
    );
    producer.stdout.resume();
    producer.stderr.resume();
    running.push(producer);
    const port = new MemoryPort();
    const seen = await withLabSession('tx-test', async (session) => {
      const source = consumerLagSource('lab', session);
      const cycle = async () => {
        const out = await source.collect(Date.now(), new AbortController().signal);
        port.add(...out.samples.map(asMemoryPoint));
        return out.samples;
      };
      const first = await until('the open transaction seen', 60_000, async () => {
        const samples = await cycle();
        const open = samples.find((s) => s.measurement === 'open_transaction' && s.tags.topic === openTopic);
        return open?.tags.transactional_id === txId ? open : undefined;
      });
      const offsetsOf = (samples: Sample[]) =>
        samples.find((s) => s.measurement === 'partition_offsets' && s.tags.topic === openTopic)?.fields;
      let samples = await cycle();
      const before = offsetsOf(samples);
      // Held back past the rule's minute, read every 15 s as the example config does.
      for (let i = 0; i < 5; i += 1) {
        await sleep(15_000);
        samples = await cycle();
      }
      const after = offsetsOf(samples);
      const open = samples.find((s) => s.measurement === 'open_transaction' && s.tags.topic === openTopic);
      return { first, before, after, open };
    });
    console.log(
      `open transaction ${txId}: last stable offset ${String(seen.before?.last_stable_offset)} → ${String(seen.after?.last_stable_offset)} while the log end went ${String(seen.before?.log_end_offset)} → ${String(seen.after?.log_end_offset)}; open ${String(seen.open?.fields.age_s)} s, ${String(seen.open?.fields.messages)} records behind it`,
    );
    expect(seen.after?.last_stable_offset).toBe(seen.before?.last_stable_offset);
    expect(Number(seen.after?.log_end_offset)).toBeGreaterThan(Number(seen.before?.log_end_offset) + 500);
    expect(seen.open?.tags).toMatchObject({ transactional_id: txId });
    expect(seen.open?.tags.producer_id).toMatch(/^\d+$/);
    expect(Number(seen.open?.fields.age_s)).toBeGreaterThan(60);
    expect(seen.open?.fields.messages).toBe(
      Number(seen.after?.log_end_offset) - Number(seen.after?.last_stable_offset),
    );

    // The pack's rule on what was collected: its condition holds (open over a minute), its `for` (4 m) runs.
    const { rules } = loadRules([join(labResources, '..', 'rules', 'kafka', 'transactions.yaml')]);
    const outcome = (await evaluateRules(rules, port, Date.now())).get('KafkaTransactionHanging');
    expect(outcome?.ok).toBe(true);
    const instances = outcome?.ok === true ? outcome.instances : [];
    expect(instances.map((i) => i.labels)).toEqual([
      {
        cluster: 'lab',
        topic: openTopic,
        partition: '0',
        transactional_id: txId,
        producer_id: seen.open?.tags.producer_id,
      },
    ]);
  }, 240_000);
});
