import { createRequire } from 'node:module';
import type { KafkaEndpoint } from './client.ts';

/**
 * A direct connection to one broker through kafkajs's own Broker class (ApiVersions, SASL and TLS as for
 * every other kafkajs call), for the requests kafkajs's admin API does not batch or does not have:
 * ListOffsets per leader, DescribeLogDirs. kafkajs 2.2.4 is pinned; its internals are read here only.
 */
const require = createRequire(import.meta.url);

/** The requests a direct broker connection is used for. */
export interface DirectBroker {
  nodeId: number;
  /** Sends a request object (kafkajs's protocol shape: apiKey, apiVersion, encode; decode, parse). */
  send(request: unknown): Promise<unknown>;
  /** ListOffsets at the negotiated version; `timestamp` -1 is the log end, -2 the log start. */
  listOffsets(args: {
    replicaId: number;
    isolationLevel: number;
    topics: { topic: string; partitions: { partition: number; timestamp: number }[] }[];
  }): Promise<{
    responses: { topic: string; partitions: { partition: number; errorCode: number; offset: string }[] }[];
  }>;
}

interface KafkaJsBroker {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  connectionPool: { send(request: unknown): Promise<unknown> };
  listOffsets: DirectBroker['listOffsets'];
}

const Broker = require('kafkajs/src/broker') as new (options: object) => KafkaJsBroker;
const connectionPoolBuilder = require('kafkajs/src/cluster/connectionPoolBuilder') as (options: object) => {
  build(destination: { host: string; port: number }): Promise<unknown>;
};
const socketFactory = require('kafkajs/src/network/socketFactory') as () => unknown;
const { createLogger, LEVELS } = require('kafkajs/src/loggers') as {
  createLogger: (options: { level: number; logCreator: () => () => void }) => unknown;
  LEVELS: { NOTHING: number };
};
const silent = (): unknown => createLogger({ level: LEVELS.NOTHING, logCreator: () => () => undefined });

/** The kafkajs protocol encoder and decoder classes, for requests we write ourselves. */
export const EncoderClass = require('kafkajs/src/protocol/encoder') as new () => unknown;
export const DecoderClass = require('kafkajs/src/protocol/decoder') as new (data: Buffer) => unknown;

/**
 * Connects to each of `brokers` at once, runs `use` on it, and disconnects. One broker's failure does not
 * affect the others: results come back settled, in the order given.
 */
export async function withEachBroker<T>(
  endpoint: KafkaEndpoint,
  brokers: readonly { nodeId: number; host: string; port: number }[],
  use: (broker: DirectBroker) => Promise<T>,
): Promise<PromiseSettledResult<T>[]> {
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
  return Promise.allSettled(
    brokers.map(async (b) => {
      const broker = new Broker({
        connectionPool: await pools.build({ host: b.host, port: b.port }),
        logger: silent(),
        nodeId: b.nodeId,
      });
      await broker.connect();
      try {
        return await use({
          nodeId: b.nodeId,
          send: (request) => broker.connectionPool.send({ ...(request as object), requestTimeout }),
          listOffsets: (args) => broker.listOffsets(args),
        });
      } finally {
        await broker.disconnect();
      }
    }),
  );
}
