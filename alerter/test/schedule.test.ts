import { describe, expect, it } from 'vitest';
import { startSchedule } from '../src/engine/schedule.ts';
import { collectorDataWatch } from '../src/query/rules-port.ts';

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

describe('startSchedule', () => {
  it('evaluates as soon as newer collector data lands, and never overlaps evaluations', async () => {
    let landed = false;
    let running = 0;
    let overlapped = false;
    const starts: number[] = [];
    // The cron tick (hourly here) must stay out of this test's 1.1 s: not started within 5 s of a half hour
    // (local hours may be offset by 30 minutes).
    const toHalfHour = 1_800_000 - (Date.now() % 1_800_000);
    if (toHalfHour < 5_000) await sleep(toHalfHour + 100);
    const schedule = startSchedule({
      intervalMs: 3_600_000, // every hour by cron: out of this test's way
      newData: () => {
        const was = landed;
        landed = false;
        return Promise.resolve(was);
      },
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
      expect(starts).toHaveLength(0); // nothing landed yet
      landed = true;
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

describe('collectorDataWatch', () => {
  /** A reader over points of our own: `scrape` times (one per target that landed) and liveness news. */
  const store = () => {
    const scrape: number[] = [];
    const attention: number[] = [];
    const latest = (xs: number[]) => (xs.length === 0 ? undefined : Math.max(...xs));
    return {
      scrape,
      attention,
      reader: {
        latestMs: (m: string) => Promise.resolve(latest(m === 'scrape' ? scrape : attention)),
        countAt: (_m: string, _f: string, t: number) => Promise.resolve(scrape.filter((x) => x === t).length),
      },
    };
  };

  it('sees a new cycle, and each further target of the same cycle as it lands', async () => {
    const s = store();
    const watch = collectorDataWatch(s.reader);
    s.scrape.push(15_000, 15_000);
    expect(await watch()).toBe(false); // the first look only remembers
    expect(await watch()).toBe(false);
    s.scrape.push(30_000); // the new cycle's first target (a JMX exporter)
    expect(await watch()).toBe(true);
    expect(await watch()).toBe(false);
    s.scrape.push(30_000); // its consumer groups, a second later: the same cycle, read again
    expect(await watch()).toBe(true);
    expect(await watch()).toBe(false);
  });

  it("sees a broker's liveness news between cycles, and a new cycle while liveness news is the newest", async () => {
    const s = store();
    const watch = collectorDataWatch(s.reader);
    s.scrape.push(15_000, 15_000, 15_000);
    await watch();
    s.attention.push(32_000);
    expect(await watch()).toBe(true);
    s.scrape.push(30_000); // older than the news, newer than the last cycle
    expect(await watch()).toBe(true);
    expect(await watch()).toBe(false);
  });
});
