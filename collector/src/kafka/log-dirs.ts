import { readMetadata } from './metadata.ts';
import { answerError, explainKafkaError } from './errors.ts';
import type { KafkaSession } from './session.ts';
import { flexibleRequest } from './wire.ts';
import type { Decoder } from './wire.ts';

/** One log directory of one broker. Sizes are bytes; -1 where the broker does not know them. */
export interface LogDir {
  broker: number;
  path: string;
  /** Kafka's error code for the dir: 0, or 56 (KAFKA_STORAGE_ERROR) for an offline dir. */
  errorCode: number;
  totalBytes: number;
  usableBytes: number;
  /** Sum of the partition sizes held in the dir. */
  partitionBytes: number;
  partitions: number;
}

/** DescribeLogDirs v4 (KIP-827: total and usable bytes per log dir), which kafkajs 2.2 does not implement. */
function decodeLogDirs(broker: number, d: Decoder): LogDir[] {
  d.readInt32(); // throttle_time_ms
  const errorCode = d.readInt16();
  if (errorCode !== 0) throw answerError(`DescribeLogDirs on broker ${broker}`, errorCode);
  const dirs = d.readUVarIntArray((r): LogDir => {
    const dirError = r.readInt16();
    const path = r.readUVarIntString() ?? '';
    let partitionBytes = 0;
    let partitions = 0;
    r.readUVarIntArray((t) => {
      t.readUVarIntString();
      t.readUVarIntArray((p) => {
        p.readInt32();
        partitionBytes += Number(p.readInt64());
        p.readInt64(); // offset_lag
        p.readBoolean(); // is_future_key
        p.readTaggedFields();
        partitions += 1;
      });
      t.readTaggedFields();
    });
    const totalBytes = Number(r.readInt64());
    const usableBytes = Number(r.readInt64());
    r.readTaggedFields();
    return { broker, path, errorCode: dirError, totalBytes, usableBytes, partitionBytes, partitions };
  });
  d.readTaggedFields();
  return dirs ?? [];
}

/** Asks every registered broker for its log dirs, at once; a broker that fails is reported in `errors`. */
export async function describeLogDirs(session: KafkaSession): Promise<{ dirs: LogDir[]; errors: string[] }> {
  // Our own Metadata: kafkajs's describeCluster throws while any partition has no leader.
  const { brokers } = await session.onAnyBroker(readMetadata);
  const results = await session.eachBroker(
    brokers,
    async (broker) =>
      (await broker.send(
        // topics: null (all), then the request's tagged fields.
        flexibleRequest(
          35,
          4,
          'DescribeLogDirs',
          (e) => e.writeUVarInt(0).writeUVarIntBytes(),
          (d) => decodeLogDirs(broker.nodeId, d),
        ),
      )) as LogDir[],
  );
  const dirs: LogDir[] = [];
  const errors: string[] = [];
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') dirs.push(...r.value);
    else errors.push(`broker ${brokers[i]?.nodeId}: ${explainKafkaError(r.reason, session.endpoint)}`);
  });
  return { dirs, errors };
}
