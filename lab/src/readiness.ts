import { setTimeout as sleep } from 'node:timers/promises';
import { fetchBounded } from '../../collector/src/http-body.ts';
import type { HttpAccess } from '../../collector/src/http-body.ts';
import { readMetadata } from '../../collector/src/kafka/metadata.ts';
import { KafkaSession } from '../../collector/src/kafka/session.ts';

/** Polls `probe` every 250 ms until it returns true; throws `what` after `timeoutMs`. */
export async function waitFor(what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch (error) {
      last = error;
    }
    await sleep(250);
  }
  const cause = last instanceof Error ? ` (last error: ${last.message})` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
}

/**
 * Polls `read` until its last `polls` readings (250 ms apart) all pass `ok` and agree: for cluster metadata,
 * which each request reads from a random broker's cache, so one fresh broker's answer is not the cluster's.
 * Returns every reading taken, oldest first.
 */
export async function waitForSteady<T>(
  what: string,
  timeoutMs: number,
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  polls = 8,
): Promise<T[]> {
  const readings: T[] = [];
  await waitFor(what, timeoutMs, async () => {
    readings.push(await read());
    const last = readings.slice(-polls);
    return last.length === polls && last.every((v) => ok(v) && v === last[0]);
  });
  return readings;
}

/**
 * The broker ids the cluster's metadata lists right now, asked through `bootstrap`, by the collector's own
 * Metadata read: kafkajs's describeCluster throws while any partition has no leader (a single-replica partition
 * of a broker that is down), which is when a drill starts a broker again.
 */
export async function registeredBrokers(bootstrap: string[]): Promise<number[]> {
  const session = new KafkaSession({ brokers: bootstrap, clientId: 'lookout-lab', requestTimeoutMs: 3_000 });
  try {
    const { brokers } = await session.onAnyBroker(readMetadata);
    return brokers.map((b) => b.nodeId).sort((a, b) => a - b);
  } finally {
    await session.close();
  }
}

/**
 * Waits until every partition has a leader and its whole replica set in sync, by the collector's own Metadata
 * read (kafkajs's throws for the whole answer while any partition has no leader), steady over several reads.
 */
export async function waitForEveryPartitionInSync(bootstrap: string[], timeoutMs = 60_000): Promise<void> {
  const session = new KafkaSession({ brokers: bootstrap, clientId: 'lookout-lab', requestTimeoutMs: 3_000 });
  try {
    await waitForSteady(
      'every partition led and in sync',
      timeoutMs,
      async () =>
        (await session.onAnyBroker(readMetadata)).partitions.every(
          (p) => p.leader >= 0 && p.isr.length === p.replicas.length,
        ),
      (healthy) => healthy,
    );
  } finally {
    await session.close();
  }
}

/** True when `url` answers 2xx (with `access`'s TLS and password, as the collector would ask). */
export async function httpAnswers(url: string, access?: HttpAccess): Promise<boolean> {
  try {
    await fetchBounded(url, 2_000, 64 * 2 ** 20, { ...access });
    return true;
  } catch {
    return false;
  }
}
