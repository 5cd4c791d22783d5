import { describe, expect, it } from 'vitest';
import { startSchedule } from '../src/engine/schedule.ts';

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

describe('startSchedule', () => {
  it('evaluates as soon as newer collector data lands, and never overlaps evaluations', async () => {
    let latest = 1_000;
    let running = 0;
    let overlapped = false;
    const starts: number[] = [];
    // The cron tick (hourly here) must stay out of this test's 1.1 s: not started within 5 s of a half hour
    // (local hours may be offset by 30 minutes).
    const toHalfHour = 1_800_000 - (Date.now() % 1_800_000);
    if (toHalfHour < 5_000) await sleep(toHalfHour + 100);
    const schedule = startSchedule({
      intervalMs: 3_600_000, // every hour by cron: out of this test's way
      latestDataMs: () => Promise.resolve(latest),
      watchEveryMs: 20,
      clock: Date.now,
      onError: (err) => {
        throw err;
      },
      evaluate: async (nowMs) => {
        starts.push(nowMs);
        running += 1;
        if (running > 1) overlapped = true;
        await sleep(300);
        running -= 1;
      },
    });
    try {
      await sleep(100);
      expect(starts).toHaveLength(0); // the first reading is only remembered
      latest = 2_000;
      await sleep(100);
      expect(starts).toHaveLength(1); // new data → one evaluation, still running
      for (let i = 0; i < 5; i++) schedule.trigger();
      await sleep(800);
      expect(starts).toHaveLength(2); // five requests during one run → one more run, after it
      expect(overlapped).toBe(false);
    } finally {
      await schedule.stop();
    }
  });
});
