import { afterAll, describe, expect, it } from 'vitest';
import { readMetadata } from '../../collector/src/kafka/metadata.ts';
import { readRecordTimes } from '../../collector/src/kafka/record-times.ts';
import { startKafkaTool } from '../../lab/src/kafka-tools.ts';
import { bootstrapOf } from '../../lab/src/state.ts';
import { currentLab, labKafka, uniqueName, withLabSession } from '../lab/lab.ts';

// The record at a consumer's position is read for `exact` lag in seconds whatever its producer compressed it
// with: records produced by Kafka's own Java producer (ConsoleProducer from the lab's jars) with each codec.
const codecs = ['gzip', 'snappy', 'lz4', 'zstd'] as const;

async function produceWithJava(topic: string, codec: string, lines: number): Promise<void> {
  const child = await startKafkaTool('org.apache.kafka.tools.ConsoleProducer', [
    '--bootstrap-server',
    bootstrapOf(currentLab()).join(','),
    '--topic',
    topic,
    '--compression-codec',
    codec,
    '--producer-property',
    'linger.ms=50',
  ]);
  let err = '';
  child.stdout.resume();
  child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  for (let i = 0; i < lines; i += 1) child.stdin.write(`record ${i} ${'x'.repeat(200)}\n`);
  child.stdin.end();
  const code = await new Promise<number | null>((done) => child.on('close', done));
  if (code !== 0) throw new Error(`ConsoleProducer (${codec}) exited ${code}: ${err.slice(-1_000)}`);
}

describe('record timestamps of compressed batches (Java producer, real brokers)', () => {
  const topics = codecs.map((c) => ({ codec: c, topic: uniqueName(`codec-${c}`) }));
  afterAll(async () => {
    const admin = labKafka('codec-cleanup').admin();
    await admin.connect();
    await admin.deleteTopics({ topics: topics.map((t) => t.topic) }).catch(() => undefined);
    await admin.disconnect();
  });

  it.each(topics)(
    'reads the record time of a $codec batch',
    async ({ codec, topic }) => {
      const admin = labKafka('codec-admin').admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 3 }] });
      await admin.disconnect();
      const before = Date.now();
      await produceWithJava(topic, codec, 500);
      const after = Date.now();
      await withLabSession('codec-read', async (session) => {
        const meta = await session.onAnyBroker(readMetadata);
        const leaderId = meta.partitions.find((p) => p.topic === topic)?.leader;
        const leader = meta.brokers.find((b) => b.nodeId === leaderId);
        if (leader === undefined) throw new Error(`no leader for ${topic}`);
        const { times, errors } = await readRecordTimes(session, [
          { topic, partition: 0, offset: 0, leader },
          { topic, partition: 0, offset: 0 + 250, leader },
        ]);
        expect(errors).toEqual([]);
        for (const t of times.values()) {
          expect(t).toBeGreaterThanOrEqual(before - 1_000);
          expect(t).toBeLessThanOrEqual(after);
        }
        expect(times.size).toBeGreaterThanOrEqual(1);
      });
    },
    90_000,
  );
});
