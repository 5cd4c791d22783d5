import { createRequire } from 'node:module';
import { tlsOptions } from './client.ts';
import type { KafkaEndpoint } from './client.ts';
import { registerCodecs } from './codecs.ts';

/**
 * A direct connection to one broker through kafkajs's own Broker class (ApiVersions, SASL and TLS as for
 * every other kafkajs call), for the requests kafkajs's admin API does not batch or does not have:
 * ListOffsets per leader, DescribeLogDirs, Fetch of single records, the probe's Produce. kafkajs 2.2.4 is pinned; its internals are read here only.
 */
const require = createRequire(import.meta.url);
// Records the direct connections fetch may be compressed with any codec Kafka producers use.
registerCodecs();

/** The requests a direct broker connection is used for. */
export interface DirectBroker {
  nodeId: number;
  /** The highest version of a request this broker answers (its ApiVersions), undefined when it has none. */
  maxVersion(apiKey: number): number | undefined;
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
  /** Fetch at the negotiated version (records decoded; a batch may start before `fetchOffset`). */
  fetch(args: {
    replicaId?: number;
    isolationLevel: number;
    maxWaitTime: number;
    minBytes: number;
    maxBytes: number;
    topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[];
  }): Promise<{
    responses: {
      topicName: string;
      partitions: {
        partition: number;
        errorCode: number;
        highWatermark: string;
        messages: {
          offset: string;
          timestamp: string;
          key: Buffer | null;
          value: Buffer | null;
          /** A transaction marker (commit or abort), not a record a consumer reads. */
          isControlRecord?: boolean;
        }[];
      }[];
    }[];
  }>;
  /** DescribeGroups at the negotiated version, for groups this broker coordinates. */
  describeGroups(args: { groupIds: string[] }): Promise<{
    groups: {
      errorCode: number;
      groupId: string;
      state: string;
      protocolType: string;
      members: { memberId: string; clientId: string; clientHost: string; memberAssignment: Buffer }[];
    }[];
  }>;
  /** ListGroups at the negotiated version: the groups this broker coordinates. */
  listGroups(): Promise<{ errorCode: number; groups: { groupId: string; protocolType: string }[] }>;
  /** DescribeConfigs at the negotiated version, answered by this broker alone (no metadata refresh first). */
  describeConfigs(args: {
    resources: { type: number; name: string; configNames: string[] }[];
    includeSynonyms: boolean;
  }): Promise<{
    resources: {
      errorCode: number;
      resourceName: string;
      configEntries: { configName: string; configValue: string | null }[];
    }[];
  }>;
  /** OffsetCommit outside any generation (-1): what an admin tool or a seeding script does. */
  offsetCommit(args: {
    groupId: string;
    groupGenerationId: number;
    memberId: string;
    topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
  }): Promise<unknown>;
  /** Produce at the negotiated version. */
  produce(args: {
    acks: number;
    timeout: number;
    topicData: {
      topic: string;
      partitions: { partition: number; messages: { key?: string; value: string; timestamp?: number }[] }[];
    }[];
  }): Promise<unknown>;
}

interface KafkaJsBroker {
  connect(): Promise<void>;
  versions?: Record<number, { minVersion: number; maxVersion: number } | undefined>;
  disconnect(): Promise<void>;
  connectionPool: { send(request: unknown): Promise<unknown> };
  listOffsets: DirectBroker['listOffsets'];
  fetch: DirectBroker['fetch'];
  produce: DirectBroker['produce'];
  describeGroups: DirectBroker['describeGroups'];
  listGroups: DirectBroker['listGroups'];
  offsetCommit: DirectBroker['offsetCommit'];
  describeConfigs: DirectBroker['describeConfigs'];
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

/** Where a broker listens. */
export interface BrokerAddress {
  nodeId: number;
  host: string;
  port: number;
}

/** Kept direct connections, one per broker (by id and address). */
export interface DirectPool {
  /** Runs `use` on the broker's connection, connecting first if needed; a failure drops the connection. */
  use<T>(address: BrokerAddress, use: (broker: DirectBroker) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A pool of direct broker connections for `endpoint` (its SASL, TLS and timeouts). */
export function directPool(endpoint: KafkaEndpoint): DirectPool {
  const requestTimeout = endpoint.requestTimeoutMs ?? 10_000;
  const pools = connectionPoolBuilder({
    socketFactory: socketFactory(),
    brokers: endpoint.brokers,
    ssl: tlsOptions(endpoint.tls),
    sasl: endpoint.sasl,
    clientId: endpoint.clientId,
    requestTimeout,
    connectionTimeout: Math.max(1_000, Math.round(requestTimeout / 3)),
    logger: silent(),
  });
  const open = new Map<string, Promise<{ raw: KafkaJsBroker; direct: DirectBroker }>>();
  const connect = async (b: BrokerAddress): Promise<{ raw: KafkaJsBroker; direct: DirectBroker }> => {
    const raw = new Broker({
      connectionPool: await pools.build({ host: b.host, port: b.port }),
      logger: silent(),
      nodeId: b.nodeId,
    });
    await raw.connect();
    const direct: DirectBroker = {
      nodeId: b.nodeId,
      maxVersion: (apiKey) => raw.versions?.[apiKey]?.maxVersion,
      send: (request) => raw.connectionPool.send({ ...(request as object), requestTimeout }),
      listOffsets: (args) => raw.listOffsets(args),
      fetch: (args) => raw.fetch(args),
      produce: (args) => raw.produce(args),
      describeGroups: (args) => raw.describeGroups(args),
      listGroups: () => raw.listGroups(),
      offsetCommit: (args) => raw.offsetCommit(args),
      describeConfigs: (args) => raw.describeConfigs(args),
    };
    return { raw, direct };
  };
  const drop = (key: string, conn: Promise<{ raw: KafkaJsBroker }>): void => {
    if (open.get(key) === conn) open.delete(key);
    void conn.then((c) => c.raw.disconnect()).catch(() => undefined);
  };
  return {
    async use(address, use) {
      const key = `${address.nodeId}|${address.host}:${address.port}`;
      let conn = open.get(key);
      if (conn === undefined) {
        conn = connect(address);
        open.set(key, conn);
      }
      try {
        return await use((await conn).direct);
      } catch (error) {
        drop(key, conn);
        throw error;
      }
    },
    async close() {
      const all = [...open.values()];
      open.clear();
      await Promise.allSettled(all.map(async (c) => (await c).raw.disconnect()));
    },
  };
}
