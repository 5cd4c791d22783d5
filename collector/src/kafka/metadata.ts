import type { BrokerAddress, DirectBroker } from './brokers.ts';
import { flexibleRequest } from './wire.ts';

/** The cluster's brokers and every partition's leader (-1: none), from one Metadata request. */
export interface ClusterMetadata {
  brokers: BrokerAddress[];
  partitions: { topic: string; partition: number; leader: number }[];
}

/**
 * Metadata v12 for all topics, asked of one broker: one request gives the brokers and the leaders, where
 * kafkajs's admin asks twice (describeCluster, fetchTopicMetadata) and refreshes on its own.
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
        const brokers =
          d.readUVarIntArray((b): BrokerAddress => {
            const nodeId = b.readInt32();
            const host = b.readUVarIntString() ?? '';
            const port = b.readInt32();
            b.readUVarIntString(); // rack
            b.readTaggedFields();
            return { nodeId, host, port };
          }) ?? [];
        d.readUVarIntString(); // cluster_id
        d.readInt32(); // controller_id
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
            for (let i = 0; i < 3; i++) p.readUVarIntArray((n) => n.readInt32()); // replicas, isr, offline
            p.readTaggedFields();
            partitions.push({ topic, partition, leader });
          });
          t.readInt32(); // topic_authorized_operations
          t.readTaggedFields();
        });
        d.readTaggedFields();
        return { brokers, partitions };
      },
    ),
  )) as ClusterMetadata;
}
