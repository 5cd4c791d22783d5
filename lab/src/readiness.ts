import { setTimeout as sleep } from 'node:timers/promises';
import { createKafka } from '../../collector/src/kafka/client.ts';

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

/** The broker ids the cluster's metadata lists right now, asked through `bootstrap`. */
export async function registeredBrokers(bootstrap: string[]): Promise<number[]> {
  const admin = createKafka({ brokers: bootstrap, clientId: 'lookout-lab', requestTimeoutMs: 3_000 }).admin();
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    return cluster.brokers.map((b) => b.nodeId).sort((a, b) => a - b);
  } finally {
    await admin.disconnect();
  }
}

/** True when `url` answers 200. */
export async function httpAnswers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}
