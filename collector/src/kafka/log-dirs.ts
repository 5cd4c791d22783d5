import { createRequire } from 'node:module';
import type { KafkaEndpoint } from './client.ts';
import { createKafka } from './client.ts';

/**
 * DescribeLogDirs v4 (KIP-827: total and usable bytes per log dir), which kafkajs 2.2 does not implement.
 * It is sent over kafkajs's own broker connection (so SASL and TLS work as for every other call), with
 * kafkajs's encoder, in the same way kafkajs writes its flexible-version requests. kafkajs 2.2.4 is pinned;
 * these internals live in this one file.
 */
const require = createRequire(import.meta.url);

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
interface BrokerConnection {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  connectionPool: { send(request: unknown): Promise<unknown> };
}

const EncoderClass = require('kafkajs/src/protocol/encoder') as new () => Encoder;
const DecoderClass = require('kafkajs/src/protocol/decoder') as new (data: Buffer) => Decoder;
const Broker = require('kafkajs/src/broker') as new (options: object) => BrokerConnection;
const connectionPoolBuilder = require('kafkajs/src/cluster/connectionPoolBuilder') as (options: object) => {
  build(destination: { host: string; port: number }): Promise<unknown>;
};
const socketFactory = require('kafkajs/src/network/socketFactory') as () => unknown;
const { createLogger, LEVELS } = require('kafkajs/src/loggers') as {
  createLogger: (options: { level: number; logCreator: () => () => void }) => unknown;
  LEVELS: { NOTHING: number };
};
const silent = (): unknown => createLogger({ level: LEVELS.NOTHING, logCreator: () => () => undefined });

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
  const requestTimeout = endpoint.requestTimeoutMs ?? 10_000;
  const pools = connectionPoolBuilder({
    socketFactory: socketFactory(),
    brokers: endpoint.brokers,
    ssl:
      endpoint.tls === undefined
        ? undefined
        : {
            rejectUnauthorized: endpoint.tls.verify,
            ...(endpoint.tls.ca === undefined ? {} : { ca: [endpoint.tls.ca] }),
          },
    sasl: endpoint.sasl,
    clientId: endpoint.clientId,
    requestTimeout,
    connectionTimeout: Math.max(1_000, Math.round(requestTimeout / 3)),
    logger: silent(),
  });
  const results = await Promise.allSettled(
    brokers.map(async (b) => {
      const broker = new Broker({
        connectionPool: await pools.build({ host: b.host, port: b.port }),
        logger: silent(),
        nodeId: b.nodeId,
      });
      await broker.connect();
      try {
        return (await broker.connectionPool.send({
          request: describeLogDirsV4,
          response: {
            decode: (raw: Buffer) => Promise.resolve(decodeLogDirs(b.nodeId, raw)),
            parse: (data: LogDir[]) => Promise.resolve(data),
          },
          requestTimeout,
        })) as LogDir[];
      } finally {
        await broker.disconnect();
      }
    }),
  );
  const dirs: LogDir[] = [];
  const errors: string[] = [];
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') dirs.push(...r.value);
    else errors.push(`broker ${brokers[i]?.nodeId}: ${(r.reason as Error).message}`);
  });
  return { dirs, errors };
}
