import { describe, expect, it } from 'vitest';
import type { Sample } from '../../model/src/sample.ts';
import { batchSize, writeBatches } from '../src/sink/batches.ts';

const samples = (n: number): Sample[] =>
  Array.from({ length: n }, (_, i) => ({
    measurement: 'broker',
    tags: { cluster: 'c', broker: String(i) },
    fields: { leader_count: i },
    timeMs: i,
  }));

describe('writeBatches', () => {
  it('writes every point once, in order, in batches of batchSize, one request in flight at a time', async () => {
    const bodies: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const result = await writeBatches(samples(2 * batchSize + 17), async (body) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      bodies.push(body);
      inFlight -= 1;
      return { ok: true };
    });
    expect(bodies.map((b) => b.trim().split('\n').length)).toEqual([batchSize, batchSize, 17]);
    expect(
      bodies
        .join('')
        .trim()
        .split('\n')
        .map((l) => Number(l.split(' ')[2])),
    ).toEqual(Array.from({ length: 2 * batchSize + 17 }, (_, i) => i));
    expect(result).toEqual({
      points: 2 * batchSize + 17,
      written: 2 * batchSize + 17,
      spooled: 0,
      errors: [],
    });
    expect(maxInFlight).toBe(1);
  });

  it('counts what a failed batch did not write, and says why', async () => {
    let call = 0;
    const result = await writeBatches(samples(batchSize + 1), () =>
      Promise.resolve(
        ++call === 1 ? { ok: false as const, retriable: true, reason: 'HTTP 503' } : { ok: true as const },
      ),
    );
    expect(result).toEqual({ points: batchSize + 1, written: 1, spooled: 0, errors: ['HTTP 503'] });
  });
});
