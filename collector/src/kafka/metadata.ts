import type { BrokerAddress, DirectBroker } from './brokers.ts';
import { flexibleRequest } from './wire.ts';
import type { Decoder } from './wire.ts';

/** The cluster's brokers and every partition's leader (-1: none), from one Metadata request. */
export interface ClusterMetadata {
  brokers: BrokerAddress[];
  /** The active controller's id, or -1. */
  controller: number;
  partitions: { topic: string; partition: number; leader: number; replicas: number[]; isr: number[] }[];
}

/** One broker of a Metadata v12 answer. */
export function readBroker(b: Decoder): BrokerAddress {
  const nodeId = b.readInt32();
  const host = b.readUVarIntString() ?? '';
  const port = b.readInt32();
  b.readUVarIntString(); // rack
  b.readTaggedFields();
  return { nodeId, host, port };
}

/**
 * Metadata v12 for all topics, asked of one broker: one request gives the brokers and the leaders, where
 * kafkajs's admin asks twice (describeCluster, fetchTopicMetadata), refreshes on its own, and throws for the
 * whole answer when one partition has no leader — exactly when the cluster state matters.
 */
export async function readMetadata(broker: DirectBroker): Promise<ClusterMetadata> {
  return (await broker.send(
    flexibleRequest(
      3,
      12,
      'Metadata',
      (e) =>
        e
          .writeUVarInt(0) // topics: null, all of them
          .writeBoolean(false) // allow_auto_topic_creation
          .writeBoolean(false) // include_topic_authorized_operations
          .writeUVarIntBytes(),
      (d): ClusterMetadata => {
        d.readInt32(); // throttle_time_ms
        const brokers = d.readUVarIntArray(readBroker) ?? [];
        d.readUVarIntString(); // cluster_id
        const controller = d.readInt32();
        const partitions: ClusterMetadata['partitions'] = [];
        d.readUVarIntArray((t) => {
          t.readInt16(); // error_code
          const topic = t.readUVarIntString() ?? '';
          t.forward(16); // topic_id
          t.readBoolean(); // is_internal
          t.readUVarIntArray((p) => {
            p.readInt16(); // error_code
            const partition = p.readInt32();
            const leader = p.readInt32();
            p.readInt32(); // leader_epoch
            const replicas = p.readUVarIntArray((n) => n.readInt32()) ?? [];
            const isr = p.readUVarIntArray((n) => n.readInt32()) ?? [];
            p.readUVarIntArray((n) => n.readInt32()); // offline_replicas
            p.readTaggedFields();
            partitions.push({ topic, partition, leader, replicas, isr });
          });
          t.readInt32(); // topic_authorized_operations
          t.readTaggedFields();
        });
        d.readTaggedFields();
        return { brokers, controller, partitions };
      },
    ),
  )) as ClusterMetadata;
}
