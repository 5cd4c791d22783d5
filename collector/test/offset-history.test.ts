import { describe, expect, it } from 'vitest';
import { OffsetHistory } from '../src/sources/lag/offset-history.ts';

/** A producer at `rate` messages/s, the log end recorded every `everyMs` from 0 to `untilMs`. */
function steady(rate: number, everyMs: number, untilMs: number): OffsetHistory {
  const h = new OffsetHistory();
  for (let t = 0; t <= untilMs; t += everyMs) h.record('p', Math.round((rate * t) / 1000), t);
  return h;
}

describe('OffsetHistory', () => {
  it('reads 30 s for a consumer held 30 s behind a steady producer (interpolated)', () => {
    const h = steady(10, 10_000, 120_000); // end 1200 at t=120 s
    const { seconds, method } = h.lagSeconds('p', 1200 - 300, 1200, 120_000);
    expect(method).toBe('interpolated');
    expect(seconds).toBeCloseTo(30, 5);
  });

  it('reads 0 for a caught-up consumer, also on an idle partition', () => {
    const h = new OffsetHistory();
    h.record('p', 50, 0);
    h.record('p', 50, 600_000);
    expect(h.lagSeconds('p', 50, 50, 600_000)).toEqual({ seconds: 0, method: 'interpolated' });
  });

  it('dates a message by when the log end passed it, not by when the end last moved (idle, then lagging)', () => {
    const h = new OffsetHistory();
    h.record('p', 100, 0);
    h.record('p', 100, 60_000); // idle for a minute
    h.record('p', 110, 70_000); // 10 messages in the next 10 s
    const { seconds } = h.lagSeconds('p', 100, 110, 70_000);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(10);
  });

  it('keeps a burst sane: a consumer inside a burst is at most as old as the interval the burst arrived in', () => {
    const h = new OffsetHistory();
    h.record('p', 0, 0);
    h.record('p', 0, 10_000);
    h.record('p', 100_000, 20_000); // a burst of 100k messages within 10 s
    const { seconds, method } = h.lagSeconds('p', 50_000, 100_000, 20_000);
    expect(method).toBe('interpolated');
    expect(seconds).toBeGreaterThanOrEqual(0);
    expect(seconds).toBeLessThanOrEqual(10);
  });

  it('dates a burst to when it arrived, however long the end then stands still', () => {
    // The end stays at 0 until a burst of 20,000 records lands between the readings at 60 s and 75 s; then
    // it stands still. A consumer reading 200/s from the burst is at 17,800 at 150 s: that record arrived
    // between 60 s and 75 s, so it is 75 to 90 s old (the newest reading's time moves on; the burst does not).
    const h = new OffsetHistory();
    for (let t = 0; t <= 60_000; t += 15_000) h.record('p', 0, t);
    for (let t = 75_000; t <= 150_000; t += 15_000) h.record('p', 20_000, t);
    const { seconds, method } = h.lagSeconds('p', 17_800, 20_000, 150_000);
    expect(method).toBe('interpolated');
    expect(seconds).toBeGreaterThanOrEqual(75);
    expect(seconds).toBeLessThanOrEqual(90);
    expect(h.arrival('p', 17_800)).toEqual({ earliestMs: 60_000, estimateMs: 73_350 });
    expect(h.rate('p')).toBe(0); // nothing arrived in the latest interval
  });

  it('extrapolates before the history at its average rate, and says so', () => {
    const later = new OffsetHistory();
    for (let t = 60_000; t <= 120_000; t += 10_000) later.record('p', (t / 1000) * 10, t); // ends 600..1200
    const { seconds, method } = later.lagSeconds('p', 300, 1200, 120_000); // produced at t=30 s at 10/s
    expect(method).toBe('extrapolated');
    expect(seconds).toBeCloseTo(90, 5);
    expect(later.rate('p')).toBeCloseTo(10, 5);
  });

  it('says none without history, and starts over when the end goes backwards (topic recreated)', () => {
    const h = new OffsetHistory();
    expect(h.lagSeconds('p', 0, 10, 0).method).toBe('none');
    h.record('p', 500, 0);
    h.record('p', 600, 10_000);
    h.record('p', 5, 20_000);
    expect(h.rate('p')).toBeUndefined();
  });

  it('is bounded in points per partition', () => {
    const h = new OffsetHistory(10, Number.MAX_SAFE_INTEGER);
    for (let t = 0; t < 100; t++) h.record('p', t, t * 1000);
    expect(h.lagSeconds('p', 50, 99, 99_000).method).toBe('extrapolated');
  });

  it('dates every offset as a reading-by-reading scan of the history does (random histories)', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (let run = 0; run < 200; run++) {
      const h = new OffsetHistory();
      const readings: { offset: number; firstMs: number; lastMs: number }[] = [];
      let end = random(50);
      for (let t = 0, n = 1 + random(40); n > 0; n--, t += 15_000) {
        end += random(3) === 0 ? 0 : random(200);
        h.record('p', end, t);
        const last = readings.at(-1);
        if (last?.offset === end) last.lastMs = t;
        else readings.push({ offset: end, firstMs: t, lastMs: t });
      }
      for (let offset = 0; offset <= end + 1; offset += 1 + random(20)) {
        const i = readings.findIndex((r, k) => k > 0 && r.offset > offset);
        const before = readings[i - 1];
        const after = readings[i];
        const expected =
          i < 1 || before === undefined || after === undefined || offset < before.offset
            ? undefined
            : before.lastMs +
              ((offset - before.offset) / (after.offset - before.offset)) * (after.firstMs - before.lastMs);
        expect(h.arrival('p', offset)?.estimateMs).toBe(expected);
      }
    }
  });
});
