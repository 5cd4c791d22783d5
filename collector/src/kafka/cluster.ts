import { ConfigResourceTypes, createKafka } from './client.ts';
import type { KafkaEndpoint } from './client.ts';

/** One partition's placement, as the metadata says. `leader` is -1 when it has none. */
export interface PartitionState {
  topic: string;
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

/** The cluster as the admin API sees it at one moment. */
export interface ClusterSnapshot {
  brokers: number[];
  controller: number | null;
  partitions: PartitionState[];
  /** min.insync.replicas per topic (topics whose config could not be read are absent). */
  minIsr: Map<string, number>;
}

/**
 * Reads brokers, controller, every partition's leader/replicas/ISR and every topic's min.insync.replicas:
 * one Metadata request and one DescribeConfigs for all topics. Internal topics are included.
 */
export async function readClusterSnapshot(endpoint: KafkaEndpoint): Promise<ClusterSnapshot> {
  const admin = createKafka(endpoint).admin();
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    const { topics } = await admin.fetchTopicMetadata();
    const partitions = topics.flatMap((t) =>
      t.partitions.map((p) => ({
        topic: t.name,
        partition: p.partitionId,
        leader: p.leader,
        replicas: p.replicas,
        isr: p.isr,
      })),
    );
    const minIsr = new Map<string, number>();
    if (topics.length > 0) {
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((t) => ({
          type: ConfigResourceTypes.TOPIC,
          name: t.name,
          configNames: ['min.insync.replicas'],
        })),
      });
      for (const r of configs.resources) {
        const value = r.configEntries.find((e) => e.configName === 'min.insync.replicas')?.configValue;
        if (r.errorCode === 0 && value !== undefined) minIsr.set(r.resourceName, Number(value));
      }
    }
    return {
      brokers: cluster.brokers.map((b) => b.nodeId).sort((a, b) => a - b),
      controller: cluster.controller,
      partitions,
      minIsr,
    };
  } finally {
    await admin.disconnect();
  }
}
