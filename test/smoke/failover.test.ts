import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlBroker } from '../../lab/src/control.ts';
import { processState } from '../../lab/src/process.ts';
import { waitFor, waitForSteady } from '../../lab/src/readiness.ts';
import { readMetadata } from '../../collector/src/kafka/metadata.ts';
import { currentLab, labKafka, underReplicatedPartitions, uniqueName, withLabSession } from '../lab/lab.ts';

// Drill (broker settings: broker.session.timeout.ms=9000, heartbeat 2000 — Kafka's defaults):
// at t0 SIGKILL broker 2; within 15 s the metadata shows under-replicated partitions; start-broker heals them.
describe('kill-broker / start-broker drill', () => {
  const dir = currentLab().dir;
  const topic = uniqueName('drill');
  const admin = labKafka('smoke-failover').admin();

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic, numPartitions: 6, replicationFactor: 3 }],
      waitForLeaders: true,
    });
    expect(await underReplicatedPartitions([topic])).toBe(0);
  });
  afterAll(async () => {
    // Restore the shared lab whatever happened above.
    const broker = currentLab().brokers.find((b) => b.id === 2);
    if (broker !== undefined && processState(broker.pid, dir) === 'gone')
      await controlBroker(dir, 2, 'start');
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('a killed broker makes an RF=3 topic under-replicated within 15 s, and its restart heals it', async () => {
    const t0 = Date.now();
    await controlBroker(dir, 2, 'kill');
    await waitFor(
      'under-replicated partitions',
      15_000,
      async () => (await underReplicatedPartitions([topic])) > 0,
    );
    const detectedMs = Date.now() - t0;
    console.log(`under-replication visible in metadata ${detectedMs} ms after SIGKILL`);
    expect(detectedMs).toBeLessThanOrEqual(15_000);

    // Our own metadata read: kafkajs's describeCluster throws while the probe's partition on broker 2 has no leader.
    const { brokers } = await withLabSession('smoke-failover', (session) =>
      session.onAnyBroker(readMetadata),
    );
    expect(brokers.map((b) => b.nodeId)).not.toContain(2);

    await controlBroker(dir, 2, 'start');
    const readings = await waitForSteady(
      'ISR to heal on every broker',
      60_000,
      () => underReplicatedPartitions([topic]),
      (n) => n === 0,
    );
    console.log(`under-replicated partitions read after the restart: ${readings.join(' ')}`);
    expect(await underReplicatedPartitions([topic])).toBe(0);
  }, 120_000);
});
