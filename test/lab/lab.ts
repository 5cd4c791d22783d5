import { inject } from 'vitest';
import { createKafka } from '../../collector/src/kafka/client.ts';
import type { Kafka } from '../../collector/src/kafka/client.ts';
import { readMetadata } from '../../collector/src/kafka/metadata.ts';
import { KafkaSession } from '../../collector/src/kafka/session.ts';
import { requireState } from '../../lab/src/control.ts';
import { waitForEveryPartitionInSync as everyPartitionInSync } from '../../lab/src/readiness.ts';
import { bootstrapOf } from '../../lab/src/state.ts';
import type { LabState } from '../../lab/src/state.ts';
import type { Sample } from '../../model/src/sample.ts';
import type { MemoryPoint } from '../../rules/src/memory-port.ts';

/** The run's shared lab as its state file says now (pids change when a drill restarts a broker). */
export function currentLab(): LabState {
  return requireState(inject('lab').dir);
}

/** A kafkajs client (through our adapter) on the shared lab. */
export function labKafka(clientId: string): Kafka {
  return createKafka({ brokers: bootstrapOf(currentLab()), clientId });
}

/** Runs `use` with a collector session (kept connections) on the shared lab, closed afterwards. */
export async function withLabSession<T>(
  clientId: string,
  use: (session: KafkaSession) => Promise<T>,
): Promise<T> {
  const session = new KafkaSession({ brokers: bootstrapOf(currentLab()), clientId });
  try {
    return await use(session);
  } finally {
    await session.close();
  }
}

/**
 * Deletes the collector's probe topic: its single-replica partitions would go leaderless in a later drill
 * that kills a broker, and kafkajs's own metadata calls (which the drills use) throw on that.
 */
export async function deleteProbeTopic(): Promise<void> {
  const admin = labKafka('probe-cleanup').admin();
  await admin.connect();
  try {
    if ((await admin.listTopics()).includes('__lookout_probe'))
      await admin.deleteTopics({ topics: ['__lookout_probe'] });
  } finally {
    await admin.disconnect();
  }
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((ok) => setTimeout(ok, ms));

/** Polls `probe` every `everyMs` until it gives a value; throws after `ms` naming what it waited for. */
export async function until<T>(
  what: string,
  ms: number,
  probe: () => T | undefined | Promise<T | undefined>,
  everyMs = 1_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A name no other test or run uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * Every partition of the lab, by our own Metadata read: kafkajs's admin throws for the whole answer while any
 * partition has no leader (the probe's single-replica partition of a dead broker).
 */
async function labPartitions(): Promise<
  { topic: string; leader: number; replicas: number[]; isr: number[] }[]
> {
  return withLabSession(
    'lab-metadata',
    async (session) => (await session.onAnyBroker(readMetadata)).partitions,
  );
}

/** Partitions (of `topics`, or of every topic) whose ISR is smaller than their replica set, per the metadata. */
export async function underReplicatedPartitions(topics?: string[]): Promise<number> {
  const wanted = topics === undefined ? undefined : new Set(topics);
  return (await labPartitions()).filter(
    (p) => (wanted === undefined || wanted.has(p.topic)) && p.isr.length < p.replicas.length,
  ).length;
}

/** Waits until every partition of the lab has a leader and its whole replica set in sync, on every broker. */
export function waitForEveryPartitionInSync(timeoutMs = 60_000): Promise<void> {
  return everyPartitionInSync(bootstrapOf(currentLab()), timeoutMs);
}

/** A collected sample as the rules' in-memory port holds it: its numeric fields (strings are not queried). */
export const asMemoryPoint = (s: Sample): MemoryPoint => ({
  measurement: s.measurement,
  tags: s.tags,
  timeMs: s.timeMs,
  fields: Object.fromEntries(
    Object.entries(s.fields).filter((e): e is [string, number] => typeof e[1] === 'number'),
  ),
});
