import { describe, expect, it } from 'vitest';
import { readClusterSnapshot } from '../../collector/src/kafka/cluster.ts';
import { topicSamples } from '../../collector/src/sources/cluster-state.ts';
import { labKafka, uniqueName, withLabSession } from '../lab/lab.ts';

describe('topic settings from the admin API', () => {
  it("reads each topic's retention and min.insync.replicas as the broker has them", async () => {
    const admin = labKafka('topic-test').admin();
    await admin.connect();
    const topic = uniqueName('retained');
    await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: 4,
          replicationFactor: 3,
          configEntries: [
            { name: 'retention.ms', value: '3600000' },
            { name: 'min.insync.replicas', value: '3' },
          ],
        },
      ],
      waitForLeaders: true,
    });
    const snap = await withLabSession('topic-test', readClusterSnapshot);
    const sample = topicSamples('lab', snap, 0).find((s) => s.tags.topic === topic);
    expect(sample?.fields).toEqual({
      partitions: 4,
      replication_factor: 3,
      min_insync_replicas: 3,
      retention_ms: 3_600_000,
      retention_bytes: -1,
      under_replicated_partitions: 0,
      offline_partitions: 0,
    });
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });
});
