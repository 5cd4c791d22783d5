import type { DirectBroker } from './brokers.ts';
import { encoderOf, flexibleRequest } from './wire.ts';

/** One partition's answer to ListOffsets: its offset at the asked time, or its error code. */
export interface LogOffset {
  topic: string;
  partition: number;
  errorCode: number;
  offset: number;
}

/** ListOffsets: API key 2; v6 is its first flexible version (Kafka 2.5). */
const LIST_OFFSETS = 2;
const FLEXIBLE = 6;

/**
 * The offset of every listed partition of a leader at `timestamp` (-1: the log end, -2: the log start), with
 * `isolationLevel` 1 (read_committed) the last stable offset for the end. ListOffsets v6 written and read by
 * us (a lag cycle names every partition of the cluster three times); kafkajs's own at its negotiated version on
 * brokers older than Kafka 2.5.
 */
export async function listLogOffsets(
  broker: DirectBroker,
  partitionsByTopic: ReadonlyMap<string, readonly number[]>,
  timestamp: number,
  isolationLevel: 0 | 1,
): Promise<LogOffset[]> {
  if ((broker.maxVersion(LIST_OFFSETS) ?? 0) < FLEXIBLE) {
    const answer = await broker.listOffsets({
      replicaId: -1,
      isolationLevel,
      topics: [...partitionsByTopic].map(([topic, partitions]) => ({
        topic,
        partitions: partitions.map((partition) => ({ partition, timestamp })),
      })),
    });
    return answer.responses.flatMap((r) =>
      r.partitions.map((p) => ({
        topic: r.topic,
        partition: p.partition,
        errorCode: p.errorCode,
        offset: Number(p.offset),
      })),
    );
  }
  return (await broker.send(
    flexibleRequest(
      LIST_OFFSETS,
      FLEXIBLE,
      'ListOffsets',
      (e) =>
        e
          .writeInt32(-1) // replica_id: a client
          .writeInt8(isolationLevel)
          .writeUVarIntArray(
            [...partitionsByTopic].map(([topic, partitions]) =>
              encoderOf((t) =>
                t
                  .writeUVarIntString(topic)
                  .writeUVarIntArray(
                    partitions.map((partition) =>
                      encoderOf((p) =>
                        p
                          .writeInt32(partition)
                          .writeInt32(-1) // current_leader_epoch: not checked
                          .writeInt64(timestamp)
                          .writeUVarIntBytes(),
                      ),
                    ),
                  )
                  .writeUVarIntBytes(),
              ),
            ),
          )
          .writeUVarIntBytes(),
      (d) => {
        const out: LogOffset[] = [];
        d.readInt32(); // throttle_time_ms
        d.readUVarIntArray((t) => {
          const topic = t.readUVarIntString() ?? '';
          t.readUVarIntArray((p) => {
            const partition = p.readInt32();
            const errorCode = p.readInt16();
            p.readInt64(); // timestamp
            const offset = Number(p.readInt64());
            p.readInt32(); // leader_epoch
            p.readTaggedFields();
            out.push({ topic, partition, errorCode, offset });
          });
          t.readTaggedFields();
        });
        d.readTaggedFields();
        return out;
      },
    ),
  )) as LogOffset[];
}
