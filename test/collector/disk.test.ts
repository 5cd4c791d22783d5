import { statfsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProducer } from '../../collector/src/kafka/client.ts';
import { describeLogDirs } from '../../collector/src/kafka/log-dirs.ts';
import { currentLab, labKafka, uniqueName, withLabSession } from '../lab/lab.ts';

describe('DescribeLogDirs v4 against the lab (KIP-827)', () => {
  it("reports each broker's log dir with the filesystem's size and the replicas it holds", async () => {
    const lab = currentLab();
    const kafka = labKafka('disk-test');
    const admin = kafka.admin();
    await admin.connect();
    const topic = uniqueName('disk');
    await admin.createTopics({
      topics: [{ topic, numPartitions: 3, replicationFactor: 3 }],
      waitForLeaders: true,
    });
    const producer = createProducer(kafka);
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: 300 }, (_, i) => ({ value: 'x'.repeat(100) + i })),
    });
    await producer.disconnect();

    const { dirs, errors } = await withLabSession('disk-test', describeLogDirs);
    expect(errors).toEqual([]);
    expect(dirs.map((d) => d.broker).sort()).toEqual([1, 2, 3]);
    for (const d of dirs) {
      expect(d.path).toBe(join(lab.dir, `node-${d.broker}`, 'data'));
      const fs = statfsSync(d.path);
      expect(d.totalBytes).toBe(fs.blocks * fs.bsize);
      expect(Math.abs(d.usableBytes - fs.bavail * fs.bsize) / d.totalBytes).toBeLessThan(0.01);
      expect(d.errorCode).toBe(0);
      expect(d.partitions).toBeGreaterThanOrEqual(3); // every broker holds a replica of each of the 3 partitions
      expect(d.partitionBytes).toBeGreaterThan(30_000);
    }
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });
});
