import type { ConnectionOptions } from 'node:tls';
import kafkajs from 'kafkajs';
import { registerCodecs } from './codecs.ts';
import type { Admin, Consumer, ConsumerConfig, Kafka, Producer, SASLOptions } from 'kafkajs';

// kafkajs is CommonJS: Node's ESM loader sees only some of its named exports, so take them from the default.
const { AssignerProtocol, ConfigResourceTypes, Kafka: KafkaClient, logLevel, Partitioners } = kafkajs;
registerCodecs();

/** Connection settings for one cluster. */
export interface KafkaEndpoint {
  brokers: string[];
  clientId: string;
  /** Per-request timeout; connect timeout is a third of it. */
  requestTimeoutMs?: number;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  /**
   * TLS: a CA bundle (PEM text), whether to verify the brokers' certificates, and for mutual TLS our client
   * certificate and key (PEM text).
   */
  tls?: { ca?: string; verify: boolean; client?: { cert: string; key: string; passphrase?: string } };
}

/** kafkajs's (Node's) TLS options of an endpoint. */
export function tlsOptions(tls: KafkaEndpoint['tls']): ConnectionOptions | undefined {
  if (tls === undefined) return undefined;
  return {
    rejectUnauthorized: tls.verify,
    ...(tls.ca === undefined ? {} : { ca: [tls.ca] }),
    ...(tls.client === undefined ? {} : tls.client),
  };
}

/** The only place Lookout constructs a kafkajs client: swapping the client library touches this folder only. */
export function createKafka(endpoint: KafkaEndpoint): Kafka {
  const requestTimeout = endpoint.requestTimeoutMs ?? 10_000;
  return new KafkaClient({
    clientId: endpoint.clientId,
    brokers: endpoint.brokers,
    logLevel: logLevel.NOTHING,
    requestTimeout,
    connectionTimeout: Math.max(1_000, Math.round(requestTimeout / 3)),
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 },
    ...(endpoint.tls === undefined ? {} : { ssl: tlsOptions(endpoint.tls) }),
    ...(endpoint.sasl === undefined ? {} : { sasl: endpoint.sasl as SASLOptions }),
  });
}

/** A producer with kafkajs's default (Java-compatible murmur2) partitioner, idempotent where possible. */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
}

/** A consumer in `groupId` with the classic group protocol. */
export function createConsumer(kafka: Kafka, config: ConsumerConfig): Consumer {
  return kafka.consumer({ allowAutoTopicCreation: false, ...config });
}

export type { Admin, Consumer, Kafka, Producer };
export { ConfigResourceTypes };

/** The partitions a consumer-protocol member was assigned, by topic; empty when the blob is not one. */
export function memberAssignment(blob: Buffer): Record<string, number[]> {
  if (blob.length === 0) return {};
  try {
    return AssignerProtocol.MemberAssignment.decode(blob)?.assignment ?? {};
  } catch {
    return {};
  }
}
