import { createKafka } from './client.ts';
import type { KafkaEndpoint } from './client.ts';

/** What a fleet member holds now: its units (indexes into the fleet's unit list) and the group generation. */
export interface FleetAssignment {
  memberId: string;
  /** The group generation that gave this assignment (from the heartbeats), undefined until the first one. */
  generation?: number;
  units: number[];
}

/** Where a fleet meets, and how many units it shares out. */
export interface FleetGroupOptions {
  group: string;
  topic: string;
  units: number;
  sessionTimeoutMs: number;
  /** Called with each new assignment, and with none (`undefined`) the moment a rebalance starts. */
  onAssignment(assignment: FleetAssignment | undefined): void;
  onError(message: string): void;
}

/** A running fleet membership. */
export interface FleetGroup {
  stop(): Promise<void>;
}

/**
 * Makes the fleet topic hold a partition per unit (more when the topic already has more: those stay unowned),
 * replicated like the cluster's other topics.
 */
async function ensureFleetTopic(endpoint: KafkaEndpoint, topic: string, units: number): Promise<void> {
  const admin = createKafka(endpoint).admin();
  await admin.connect();
  try {
    const existing = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
    const partitions = existing?.topics[0]?.partitions.length ?? 0;
    if (partitions === 0) {
      await admin
        .createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: units }] })
        .catch((error: unknown) => {
          // Another member made it first.
          if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
        });
    } else if (partitions < units) {
      await admin.createPartitions({ topicPartitions: [{ topic, count: units }] }).catch(() => undefined);
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * Joins the fleet's consumer group: each member is given partitions of the fleet topic (round robin over the
 * members), partition N meaning unit N. Kafka does the membership: a member that stops heartbeating is out after
 * `sessionTimeoutMs` and its partitions go to the others; a member that joins takes its share. A rebalance takes
 * every unit away first (`onAssignment(undefined)`), and every live member rejoins before any gets its new
 * share, so no unit is held by two members at once. Nothing is ever written to or read from the topic.
 */
export async function joinFleetGroup(
  endpoint: KafkaEndpoint,
  options: FleetGroupOptions,
): Promise<FleetGroup> {
  await ensureFleetTopic(endpoint, options.topic, options.units);
  const kafka = createKafka(endpoint);
  const consumer = kafka.consumer({
    groupId: options.group,
    sessionTimeout: options.sessionTimeoutMs,
    rebalanceTimeout: options.sessionTimeoutMs,
    heartbeatInterval: Math.max(500, Math.floor(options.sessionTimeoutMs / 5)),
    maxWaitTimeInMs: 500,
    allowAutoTopicCreation: false,
  });
  let current: FleetAssignment | undefined;
  const { GROUP_JOIN, HEARTBEAT, REBALANCING, CRASH, STOP } = consumer.events;
  consumer.on(REBALANCING, () => {
    current = undefined;
    options.onAssignment(undefined);
  });
  consumer.on(GROUP_JOIN, (event) => {
    const units = (event.payload.memberAssignment[options.topic] ?? [])
      .filter((p) => p < options.units)
      .sort((a, b) => a - b);
    current = { memberId: event.payload.memberId, units };
    options.onAssignment(current);
  });
  consumer.on(HEARTBEAT, (event) => {
    const generation = (event.payload as { groupGenerationId?: number }).groupGenerationId;
    if (current !== undefined && generation !== undefined && current.generation !== generation) {
      current = { ...current, generation };
      options.onAssignment(current);
    }
  });
  consumer.on(CRASH, (event) => {
    current = undefined;
    options.onAssignment(undefined);
    options.onError(`fleet membership lost: ${event.payload.error.message} (kafkajs restarts it)`);
  });
  consumer.on(STOP, () => {
    current = undefined;
    options.onAssignment(undefined);
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [options.topic], fromBeginning: false });
  await consumer.run({ autoCommit: false, eachBatch: () => Promise.resolve() });
  return {
    async stop() {
      await consumer.disconnect();
    },
  };
}
