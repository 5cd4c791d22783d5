import { setImmediate } from 'node:timers/promises';
import type { Sample } from '../../../model/src/sample.ts';
import { encodeLines } from '../../../model/src/line-protocol.ts';
import type { WriteOutcome } from './influx.ts';

/** Writes one line-protocol batch of `points` points somewhere (InfluxDB, the spool, memory in tests). */
export type WriteBatch = (body: string, points: number) => Promise<WriteOutcome & { spooled?: boolean }>;

/** Points per /write request. */
export const batchSize = 5_000;

/** What a batched write did. */
export interface BatchesWritten {
  points: number;
  written: number;
  /** Points kept on disk for a later replay. */
  spooled: number;
  errors: string[];
}

/** Points encoded between two yields to the event loop. */
const slice = 500;

/**
 * Encodes one batch a slice at a time, yielding between slices: the request in flight keeps moving
 * (its body goes out in many socket writes, each needing the thread) while the next batch is encoded.
 */
async function encodeYielding(samples: readonly Sample[]): Promise<{ body: string; points: number }> {
  let body = '';
  let points = 0;
  for (let i = 0; i < samples.length; i += slice) {
    const part = encodeLines(samples.slice(i, i + slice));
    body += part.body;
    points += part.points;
    await setImmediate();
  }
  return { body, points };
}

/**
 * Encodes and writes samples in batches of `batchSize` points, one request in flight, encoding the next
 * batch while the previous one is sent, so encoding costs no wall time when the server is the slower side.
 */
export async function writeBatches(samples: readonly Sample[], write: WriteBatch): Promise<BatchesWritten> {
  const result: BatchesWritten = { points: 0, written: 0, spooled: 0, errors: [] };
  let inFlight: Promise<void> | undefined;
  for (let i = 0; i < samples.length; i += batchSize) {
    const { body, points } = await encodeYielding(samples.slice(i, i + batchSize));
    result.points += points;
    await inFlight;
    if (points === 0) continue;
    inFlight = write(body, points).then((outcome) => {
      if (outcome.ok) result.written += points;
      else {
        if (outcome.spooled === true) result.spooled += points;
        result.errors.push(outcome.reason);
      }
    });
  }
  await inFlight;
  return result;
}
