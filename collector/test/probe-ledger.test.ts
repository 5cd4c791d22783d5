import { describe, expect, it } from 'vitest';
import { percentile, ProbeLedger } from '../src/sources/probe-ledger.ts';

describe('ProbeLedger', () => {
  it('counts a clean window: everything acknowledged and read back within the SLA', () => {
    const l = new ProbeLedger(1_000, 10_000);
    for (let seq = 1; seq <= 10; seq++) {
      l.sent(1, seq, seq * 500);
      l.acked(1, seq, seq * 500 + 5);
      l.received(1, seq, seq * 500, seq * 500 + 20 + seq);
    }
    const w = l.drain(6_000).get(1);
    expect(w).toMatchObject({ sent: 10, acked: 10, produceErrors: 0, availability: 1, received: 10 });
    expect(w).toMatchObject({ lost: 0, duplicated: 0, delayed: 0, latencyP50: 25, latencyP99: 30 });
    expect(w?.produceLatencyP99).toBe(5);
    // The next window starts empty.
    expect(l.drain(7_000).get(1)).toMatchObject({ sent: 0, availability: undefined, latencyP50: undefined });
  });

  it('tells failures, losses, duplicates and delays apart', () => {
    const l = new ProbeLedger(1_000, 10_000);
    l.sent(2, 1, 0);
    l.failed(2, 1); // a produce that failed: availability, not loss
    l.sent(2, 2, 0);
    l.acked(2, 2, 10); // acknowledged, never read back: lost after 10 s
    l.sent(2, 3, 0);
    l.acked(2, 3, 10);
    l.received(2, 3, 0, 2_500); // back, but after the SLA
    l.received(2, 3, 0, 2_600); // and again
    l.received(2, 1, 0, 3_000); // the failed produce was written after all: late
    expect(l.drain(5_000).get(2)).toMatchObject({ produceErrors: 1, acked: 2, availability: 2 / 3, lost: 0 });
    expect(l.drain(10_001).get(2)).toMatchObject({ lost: 1, sent: 0 });
    const again = new ProbeLedger(1_000, 10_000);
    again.sent(2, 3, 0);
    again.acked(2, 3, 10);
    again.received(2, 3, 0, 2_500);
    again.received(2, 3, 0, 2_600);
    again.received(2, 1, 0, 3_000);
    expect(again.drain(3_000).get(2)).toMatchObject({
      received: 2,
      duplicated: 1,
      delayed: 2,
      latencyP99: 2_500,
    });
  });

  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeUndefined();
  });
});
