import type { WriteBatch } from './batches.ts';
import type { WriteOutcome } from './influx.ts';
import type { Spool } from './spool.ts';

/**
 * Wraps `write` with `spool`: spooled batches are replayed, in order, before any new one; a new batch goes
 * to the spool when the server is away (or while older batches still wait), so InfluxDB receives every
 * batch once it is back, in the order they were made. Calls are serialized: targets answering at the same
 * time never replay the same spooled batch twice, nor overtake one another.
 */
export function durableWriter(write: (body: string) => Promise<WriteOutcome>, spool: Spool): WriteBatch {
  const once: WriteBatch = async (body, points) => {
    if (spool.state().batches > 0) {
      const { drained } = await spool.replay(write);
      if (!drained) {
        spool.append(body, points);
        return { ok: false, retriable: true, reason: 'InfluxDB unavailable: batch spooled', spooled: true };
      }
    }
    const outcome = await write(body);
    if (outcome.ok || !outcome.retriable) return outcome;
    spool.append(body, points);
    return { ...outcome, reason: `${outcome.reason}: batch spooled`, spooled: true };
  };
  let tail: Promise<unknown> = Promise.resolve();
  return (body, points) => {
    const run = tail.then(() => once(body, points));
    tail = run.catch(() => undefined);
    return run;
  };
}
