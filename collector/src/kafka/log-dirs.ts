import { DecoderClass as KafkaDecoder, EncoderClass as KafkaEncoder, withEachBroker } from './brokers.ts';
import type { KafkaEndpoint } from './client.ts';
import { createKafka } from './client.ts';

/**
 * DescribeLogDirs v4 (KIP-827: total and usable bytes per log dir), which kafkajs 2.2 does not implement:
 * encoded with kafkajs's encoder the way kafkajs writes its flexible-version requests, sent over a direct
 * broker connection (brokers.ts), decoded here.
 */
interface Encoder {
  writeInt16(v: number): Encoder;
  writeUVarIntBytes(v?: Buffer): Encoder;
  writeUVarInt(v: number): Encoder;
}
interface Decoder {
  readTaggedFields(): void;
  readInt16(): number;
  readInt32(): number;
  readInt64(): { toString(): string };
  readBoolean(): boolean;
  readUVarIntString(): string;
  readUVarIntArray<T>(read: (d: Decoder) => T): T[];
}

const EncoderClass = KafkaEncoder as new () => Encoder;
const DecoderClass = KafkaDecoder as new (data: Buffer) => Decoder;

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

const describeLogDirsV4 = {
  apiKey: 35,
  apiVersion: 4,
  apiName: 'DescribeLogDirs',
  // Header tagged fields, then: topics (null = all), request tagged fields.
  encode: () => Promise.resolve(new EncoderClass().writeUVarIntBytes().writeUVarInt(0).writeUVarIntBytes()),
};

function decodeLogDirs(broker: number, raw: Buffer): LogDir[] {
  const d = new DecoderClass(raw);
  d.readTaggedFields();
  d.readInt32(); // throttle_time_ms
  const errorCode = d.readInt16();
  if (errorCode !== 0)
    throw new Error(`DescribeLogDirs on broker ${broker} failed with error code ${errorCode}`);
  const dirs = d.readUVarIntArray((r) => {
    const dirError = r.readInt16();
    const path = r.readUVarIntString();
    let partitionBytes = 0;
    let partitions = 0;
    r.readUVarIntArray((t) => {
      t.readUVarIntString();
      t.readUVarIntArray((p) => {
        p.readInt32();
        partitionBytes += Number(p.readInt64().toString());
        p.readInt64(); // offset_lag
        p.readBoolean(); // is_future_key
        p.readTaggedFields();
        partitions += 1;
      });
      t.readTaggedFields();
    });
    const totalBytes = Number(r.readInt64().toString());
    const usableBytes = Number(r.readInt64().toString());
    r.readTaggedFields();
    return { broker, path, errorCode: dirError, totalBytes, usableBytes, partitionBytes, partitions };
  });
  d.readTaggedFields();
  return dirs;
}

/** Asks every registered broker for its log dirs, at once; a broker that fails is reported in `errors`. */
export async function describeLogDirs(
  endpoint: KafkaEndpoint,
): Promise<{ dirs: LogDir[]; errors: string[] }> {
  const admin = createKafka(endpoint).admin();
  await admin.connect();
  let brokers: { nodeId: number; host: string; port: number }[];
  try {
    brokers = (await admin.describeCluster()).brokers;
  } finally {
    await admin.disconnect();
  }
  const results = await withEachBroker(
    endpoint,
    brokers,
    async (broker) =>
      (await broker.send({
        request: describeLogDirsV4,
        response: {
          decode: (raw: Buffer) => Promise.resolve(decodeLogDirs(broker.nodeId, raw)),
          parse: (data: LogDir[]) => Promise.resolve(data),
        },
      })) as LogDir[],
  );
  const dirs: LogDir[] = [];
  const errors: string[] = [];
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') dirs.push(...r.value);
    else errors.push(`broker ${brokers[i]?.nodeId}: ${(r.reason as Error).message}`);
  });
  return { dirs, errors };
}
