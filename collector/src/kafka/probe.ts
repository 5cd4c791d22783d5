import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BrokerAddress } from './brokers.ts';
import { readMetadata } from './metadata.ts';
import { securityCause } from './errors.ts';
import type { KafkaSession } from './session.ts';

/**
 * The synthetic probe on the wire: a managed topic with one single-replica partition per broker, so each
 * partition's availability and latency are its broker's alone; records produced straight to that broker
 * (acks=1) and read back from it with Fetch, over the probe's own connections.
 */

/** Each broker's probe partition, and the broker's address when it is registered. */
export type ProbeAssignment = Map<number, { partition: number; address: BrokerAddress | undefined }>;

/**
 * Makes sure `topic` exists with a partition held by each registered broker (created, or grown with
 * partitions assigned to new brokers). Partitions of brokers that left stay: their probe then fails, as it
 * should. Returns every broker that has a probe partition.
 */
export async function ensureProbeTopic(session: KafkaSession, topic: string): Promise<ProbeAssignment> {
  // Our own Metadata: kafkajs's throws while a probe partition has no leader (its broker is down).
  const metadata = await session.onAnyBroker(readMetadata);
  const { brokers } = metadata;
  const address = new Map(brokers.map((b) => [b.nodeId, b]));
  const mine = metadata.partitions.filter((p) => p.topic === topic);
  const existing = mine.length > 0;
  const held = new Map<number, number>();
  const total = mine.length;
  for (const p of mine) {
    const only = p.replicas.length === 1 ? p.replicas[0] : undefined;
    if (only !== undefined && !held.has(only)) held.set(only, p.partition);
  }
  return session.withAdmin(async (admin) => {
    const missing = brokers.map((b) => b.nodeId).filter((id) => !held.has(id));
    if (!existing) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic,
            replicaAssignment: missing.map((id, partition) => ({ partition, replicas: [id] })),
            configEntries: [
              { name: 'retention.ms', value: String(3_600_000) },
              { name: 'min.insync.replicas', value: '1' },
            ],
          },
        ],
      });
      missing.forEach((id, partition) => held.set(id, partition));
    } else if (missing.length > 0) {
      await admin.createPartitions({
        topicPartitions: [{ topic, count: total + missing.length, assignments: missing.map((id) => [id]) }],
      });
      missing.forEach((id, i) => held.set(id, total + i));
    }
    return new Map([...held].map(([id, partition]) => [id, { partition, address: address.get(id) }]));
  });
}

/** What the probe loops report. */
export interface ProbeEvents {
  sent(broker: number, seq: number, atMs: number): void;
  acked(broker: number, seq: number, atMs: number): void;
  failed(broker: number, seq: number): void;
  /** The cluster refused the record for security (an ACL, a password): no fault of the broker's. */
  denied(broker: number, seq: number, error: unknown): void;
  received(broker: number, seq: number, sentMs: number, atMs: number): void;
}

interface Record {
  run: string;
  broker: number;
  seq: number;
  sentMs: number;
}

/**
 * Runs the probe until stopped: every `intervalMs` a record to each broker's partition, and per broker a
 * reader that fetches its partition from where the log ended when the reader started. At most
 * `maxInFlight` produces per broker: beyond it, a tick counts as a failure (the broker is not answering).
 * `assignment()` is read each tick, so brokers that come and go are followed.
 */
export function runProbe(
  session: KafkaSession,
  topic: string,
  assignment: () => ProbeAssignment,
  events: ProbeEvents,
  clock: () => number,
  intervalMs: number,
  maxInFlight = 20,
): { stop(): Promise<void> } {
  const run = randomUUID();
  let running = true;
  const seqs = new Map<number, number>();
  const inFlight = new Map<number, number>();
  const readers = new Map<number, Promise<void>>();

  const produce = async (broker: number, partition: number, address: BrokerAddress | undefined) => {
    const seq = (seqs.get(broker) ?? 0) + 1;
    seqs.set(broker, seq);
    const sentMs = clock();
    events.sent(broker, seq, sentMs);
    const busy = inFlight.get(broker) ?? 0;
    if (address === undefined || busy >= maxInFlight) {
      events.failed(broker, seq);
      return;
    }
    inFlight.set(broker, busy + 1);
    const record: Record = { run, broker, seq, sentMs };
    const result = await session.onBroker(address, (b) =>
      b.produce({
        acks: 1,
        timeout: intervalMs * 10,
        topicData: [{ topic, partitions: [{ partition, messages: [{ value: JSON.stringify(record) }] }] }],
      }),
    );
    inFlight.set(broker, (inFlight.get(broker) ?? 1) - 1);
    if (result.status === 'fulfilled') events.acked(broker, seq, clock());
    else if (securityCause(result.reason, session.endpoint) !== undefined)
      events.denied(broker, seq, result.reason);
    else events.failed(broker, seq);
  };

  const read = async (broker: number): Promise<void> => {
    let next: number | undefined;
    while (running) {
      const target = assignment().get(broker);
      if (target?.address === undefined) {
        await sleep(intervalMs);
        continue;
      }
      const { partition, address } = target;
      const result = await session.onBroker(address, async (b) => {
        if (next === undefined) {
          const ends = await b.listOffsets({
            replicaId: -1,
            isolationLevel: 0,
            topics: [{ topic, partitions: [{ partition, timestamp: -1 }] }],
          });
          next = Number(ends.responses[0]?.partitions[0]?.offset ?? 0);
        }
        const answer = await b.fetch({
          replicaId: -1,
          isolationLevel: 0,
          maxWaitTime: intervalMs,
          minBytes: 1,
          maxBytes: 1024 * 1024,
          topics: [{ topic, partitions: [{ partition, fetchOffset: String(next), maxBytes: 1024 * 1024 }] }],
        });
        const p = answer.responses[0]?.partitions[0];
        if (p !== undefined && p.errorCode !== 0) next = undefined; // e.g. out of range: start at the end again
        for (const m of p?.messages ?? []) {
          const offset = Number(m.offset);
          if (next === undefined || offset < next) continue;
          next = offset + 1;
          const r = parseRecord(m.value);
          if (r?.run === run) events.received(r.broker, r.seq, r.sentMs, clock());
        }
      });
      if (result.status === 'rejected') await sleep(intervalMs);
    }
  };

  const tick = (): void => {
    for (const [broker, { partition, address }] of assignment()) {
      void produce(broker, partition, address);
      if (!readers.has(broker)) readers.set(broker, read(broker));
    }
  };
  const timer = setInterval(tick, intervalMs);
  tick();
  return {
    async stop() {
      running = false;
      clearInterval(timer);
      await Promise.allSettled(readers.values());
    },
  };
}

function parseRecord(value: Buffer | null): Record | undefined {
  if (value === null) return undefined;
  try {
    const r = JSON.parse(value.toString('utf8')) as Partial<Record>;
    return typeof r.run === 'string' &&
      typeof r.broker === 'number' &&
      typeof r.seq === 'number' &&
      typeof r.sentMs === 'number'
      ? (r as Record)
      : undefined;
  } catch {
    return undefined;
  }
}
