import { ConfigResourceTypes } from './client.ts';
import { readMetadata } from './metadata.ts';
import { readQuorumLeader } from './quorum.ts';
import type { KafkaSession } from './session.ts';

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
  /** The active controller; null if the quorum has none, undefined if it could not be asked. */
  controller: number | null | undefined;
  partitions: PartitionState[];
  /** min.insync.replicas per topic (topics whose config could not be read are absent). */
  minIsr: Map<string, number>;
  /** retention.ms and retention.bytes per topic (-1: unbounded). */
  retention: Map<string, { ms: number; bytes: number }>;
}

/**
 * Reads brokers, controller, every partition's leader/replicas/ISR and every topic's min.insync.replicas and
 * retention:
 * one Metadata request and one DescribeConfigs for all topics. Internal topics are included.
 */
export async function readClusterSnapshot(session: KafkaSession): Promise<ClusterSnapshot> {
  const [metadata, quorumLeader] = await Promise.all([
    session.onAnyBroker(readMetadata),
    // The active controller (Metadata's controller id is a random broker under KRaft); unknown if unanswered.
    session.onAnyBroker(readQuorumLeader).catch(() => undefined),
  ]);
  const partitions = metadata.partitions;
  const topics = [...new Set(partitions.map((p) => p.topic))];
  const minIsr = new Map<string, number>();
  const retention = new Map<string, { ms: number; bytes: number }>();
  if (topics.length > 0) {
    // Straight to one broker: kafkajs's admin refreshes the metadata first and throws for the whole call when
    // any partition has no leader (an RF-1 topic on a dead broker), which is when the cluster state matters.
    const configs = await session.onAnyBroker((broker) =>
      broker.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({
          type: ConfigResourceTypes.TOPIC,
          name,
          configNames: ['min.insync.replicas', 'retention.ms', 'retention.bytes'],
        })),
      }),
    );
    for (const r of configs.resources) {
      if (r.errorCode !== 0) continue;
      const value = (name: string): string | undefined =>
        r.configEntries.find((e) => e.configName === name)?.configValue ?? undefined;
      const isr = value('min.insync.replicas');
      if (isr !== undefined) minIsr.set(r.resourceName, Number(isr));
      retention.set(r.resourceName, {
        ms: Number(value('retention.ms') ?? -1),
        bytes: Number(value('retention.bytes') ?? -1),
      });
    }
  }
  return {
    brokers: metadata.brokers.map((b) => b.nodeId).sort((a, b) => a - b),
    controller: quorumLeader === undefined ? undefined : quorumLeader < 0 ? null : quorumLeader,
    partitions,
    minIsr,
    retention,
  };
}
