import { stringify } from 'yaml';
import { createConsumer, createProducer } from '../../collector/src/kafka/client.ts';
import type { Consumer, Kafka, Producer } from '../../collector/src/kafka/client.ts';

/** One demo tenant's traffic: topics it produces to and the consumer groups that read them. */
export interface DemoTenant {
  tenant: string;
  topics: { name: string; partitions: number; messagesPerSecond: number }[];
  groups: { id: string; topics: string[]; msPerMessage: number }[];
}

/**
 * The demo platform: three tenants; `search-indexer` is deliberately slow (it takes longer per
 * record than its topic's produce rate allows), so its lag grows for as long as the demo runs.
 */
export const demoTenants: readonly DemoTenant[] = [
  {
    tenant: 'payments',
    topics: [
      { name: 'payments.orders', partitions: 6, messagesPerSecond: 40 },
      { name: 'payments.refunds', partitions: 3, messagesPerSecond: 4 },
    ],
    groups: [{ id: 'payments-ledger', topics: ['payments.orders', 'payments.refunds'], msPerMessage: 0 }],
  },
  {
    tenant: 'search',
    topics: [{ name: 'search.clicks', partitions: 3, messagesPerSecond: 30 }],
    groups: [{ id: 'search-indexer', topics: ['search.clicks'], msPerMessage: 50 }],
  },
  {
    tenant: 'logistics',
    topics: [{ name: 'logistics.shipments', partitions: 3, messagesPerSecond: 10 }],
    groups: [{ id: 'logistics-tracker', topics: ['logistics.shipments'], msPerMessage: 0 }],
  },
];

/**
 * The demo tenants as a tenants catalog (YAML): each owns its topics and groups by exact name, with a lag
 * threshold of 10 s so the slow `search-indexer` raises its tenant's lag alert within two minutes, and (with
 * `tokenSha256`) the hash of its API token.
 */
export function demoTenantsYaml(
  tenants: readonly DemoTenant[],
  tokenSha256?: (tenant: string) => string,
): string {
  return stringify({
    tenants: tenants.map((t) => ({
      name: t.tenant,
      contacts: [`${t.tenant}@demo.invalid`],
      topics: t.topics.map((x) => x.name),
      groups: t.groups.map((g) => g.id),
      thresholds: { lag_seconds: 10 },
      ...(tokenSha256 === undefined ? {} : { api_token_sha256: tokenSha256(t.tenant) }),
    })),
  });
}

/** Running demo traffic; `stop` disconnects every producer and consumer. */
export interface DemoTraffic {
  stop(): Promise<void>;
  /** Records produced so far, per topic. */
  produced: Map<string, number>;
}

/** Creates the demo topics (RF 3 where the cluster has 3 brokers), idempotently. */
export async function createDemoTopics(
  kafka: Kafka,
  tenants: readonly DemoTenant[],
  brokers: number,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const topics = tenants
      .flatMap((t) => t.topics)
      .filter((t) => !existing.has(t.name))
      .map((t) => ({ topic: t.name, numPartitions: t.partitions, replicationFactor: Math.min(3, brokers) }));
    if (topics.length > 0) await admin.createTopics({ topics, waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

function record(topic: string, n: number): { key: string; value: string } {
  return { key: `k${n % 16}`, value: JSON.stringify({ topic, n, at: Date.now() }) };
}

/** Starts the producers (a batch every 500 ms at each topic's rate) and the consumer groups. */
export async function startDemoTraffic(kafka: Kafka, tenants: readonly DemoTenant[]): Promise<DemoTraffic> {
  const producer: Producer = createProducer(kafka);
  await producer.connect();
  const produced = new Map<string, number>();
  const topics = tenants.flatMap((t) => t.topics);
  const timer = setInterval(() => {
    for (const topic of topics) {
      const count = Math.max(1, Math.round(topic.messagesPerSecond / 2));
      const first = produced.get(topic.name) ?? 0;
      produced.set(topic.name, first + count);
      const messages = Array.from({ length: count }, (_, i) => record(topic.name, first + i));
      producer.send({ topic: topic.name, acks: -1, messages }).catch(() => {
        // a broker drill may fail a batch; the next tick produces again
      });
    }
  }, 500);

  const consumers: Consumer[] = [];
  for (const group of tenants.flatMap((t) => t.groups)) {
    const consumer = createConsumer(kafka, { groupId: group.id });
    await consumer.connect();
    await consumer.subscribe({ topics: group.topics, fromBeginning: true });
    await consumer.run({
      eachMessage: () => new Promise((done) => setTimeout(done, group.msPerMessage)),
    });
    consumers.push(consumer);
  }
  return {
    produced,
    async stop() {
      clearInterval(timer);
      await Promise.allSettled([producer.disconnect(), ...consumers.map((c) => c.disconnect())]);
    },
  };
}
