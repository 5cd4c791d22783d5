import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../model/src/sample.ts';
import { createConsumer, createProducer } from '../../collector/src/kafka/client.ts';
import type { Consumer } from '../../collector/src/kafka/client.ts';
import { consumerLagSource } from '../../collector/src/sources/lag/consumer-lag.ts';
import { labKafka, uniqueName, withLabSession } from '../lab/lab.ts';

/** The lag-in-seconds fields of one group's partition 0, from a source's samples. */
function secondsOf(samples: readonly Sample[], group: string): { seconds: unknown; method: unknown } {
  const s = samples.find((x) => x.measurement === 'consumer_lag' && x.tags.group === group);
  return { seconds: s?.fields.lag_seconds, method: s?.fields.lag_method };
}

describe('lag in seconds against the lab', () => {
  it('a consumer held 30 s behind a steady producer reads 30 s ± 3 s, exact and interpolated; an idle topic reads 0; a burst reads sane values', async () => {
    const kafka = labKafka('lag-seconds-test');
    const admin = kafka.admin();
    await admin.connect();
    const [steady, idle, burst] = ['steady', 'idle', 'burst'].map((t) => uniqueName(`lag-s-${t}`)) as [
      string,
      string,
      string,
    ];
    const groups = { steady: uniqueName('behind-30s'), idle: uniqueName('idle'), burst: uniqueName('burst') };
    await admin.createTopics({
      topics: [steady, idle, burst].map((topic) => ({ topic, numPartitions: 1, replicationFactor: 3 })),
      waitForLeaders: true,
    });
    const producer = createProducer(kafka);
    await producer.connect();
    const commit = (groupId: string, topic: string, offset: number) =>
      admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: String(offset) }] });
    for (const topic of [idle, burst]) {
      await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: 5 }, (_, i) => ({ value: `${i}` })),
      });
    }
    await commit(groups.idle, idle, 5); // caught up, and nothing more arrives
    await commit(groups.burst, burst, 5); // caught up until the burst

    // The consumer held behind: a member of its group that never reads and commits where the test says.
    const join = async (): Promise<Consumer> => {
      const member = createConsumer(kafka, { groupId: groups.steady });
      await member.connect();
      await member.subscribe({ topic: steady, fromBeginning: true });
      const joined = new Promise<void>((done) => member.on(member.events.GROUP_JOIN, () => done()));
      await member.run({ autoCommit: false, eachMessage: () => new Promise<void>(() => undefined) });
      member.pause([{ topic: steady }]);
      await joined;
      return member;
    };
    let held = await join();
    /**
     * Commits the held position; false if the commit failed. The group's coordinator can move mid-test (a
     * preferred-leader election of __consumer_offsets after an earlier drill restarted a broker), and kafkajs's
     * member keeps asking the old one: a fresh member then joins, and readings wait for the next good commit.
     */
    const hold = async (offset: number): Promise<boolean> => {
      try {
        await held.commitOffsets([{ topic: steady, partition: 0, offset: String(offset) }]);
        return true;
      } catch (err) {
        console.log(`commit failed (${(err as Error).message}): a fresh member joins`);
        await held.disconnect().catch(() => undefined);
        held = await join();
        return false;
      }
    };

    // A steady producer: one record every 100 ms, its offset and time remembered.
    const sent: { offset: number; atMs: number }[] = [];
    let producing = true;
    const steadyLoop = (async () => {
      while (producing) {
        const atMs = Date.now();
        const [meta] = await producer.send({ topic: steady, acks: -1, messages: [{ value: String(atMs) }] });
        sent.push({ offset: Number(meta?.baseOffset), atMs });
        await sleep(100);
      }
    })();

    const results = await withLabSession('lag-seconds-exact', (exactSession) =>
      withLabSession('lag-seconds-interpolated', async (interpolatedSession) => {
        const exact = consumerLagSource('lab', exactSession, () => '', 1000);
        const interpolated = consumerLagSource('lab', interpolatedSession, () => '', 0);
        const signal = new AbortController().signal;
        const started = Date.now();
        let burstAt = 0;
        const readings: {
          steady: [number, number];
          burst: [number, number, number];
          idle: [unknown, unknown];
        }[] = [];
        while (Date.now() - started < 42_000) {
          const elapsed = Date.now() - started;
          if (burstAt === 0 && elapsed >= 20_000) {
            burstAt = Date.now();
            await producer.send({
              topic: burst,
              acks: -1,
              messages: Array.from({ length: 5_000 }, (_, i) => ({ value: `burst ${i}` })),
            });
          }
          let held30s = false;
          if (elapsed >= 31_000) {
            // Hold the group 30 s behind: its next record is the first one sent 30 s ago or later.
            const next = sent.find((s) => s.atMs >= Date.now() - 30_000);
            if (next !== undefined) held30s = await hold(next.offset);
          }
          const now = Date.now();
          const [e, i] = await Promise.all([exact.collect(now, signal), interpolated.collect(now, signal)]);
          if (elapsed >= 33_000 && held30s) {
            const ex = secondsOf(e.samples, groups.steady);
            const ip = secondsOf(i.samples, groups.steady);
            expect(ex.method).toBe('exact');
            expect(ip.method).toBe('interpolated');
            readings.push({
              steady: [ex.seconds as number, ip.seconds as number],
              burst: [
                secondsOf(e.samples, groups.burst).seconds as number,
                secondsOf(i.samples, groups.burst).seconds as number,
                (now - burstAt) / 1000,
              ],
              idle: [secondsOf(e.samples, groups.idle).seconds, secondsOf(i.samples, groups.idle).seconds],
            });
          }
          await sleep(1_000);
        }
        return readings;
      }),
    );
    producing = false;
    await steadyLoop;
    await held.disconnect();
    await producer.disconnect();
    await admin.disconnect();

    console.log(
      'lag seconds [exact, interpolated] held 30 s behind:',
      JSON.stringify(results.map((r) => r.steady)),
    );
    console.log('burst [exact, interpolated, since burst]:', JSON.stringify(results.map((r) => r.burst)));
    expect(results.length).toBeGreaterThanOrEqual(4);
    for (const r of results) {
      for (const seconds of r.steady) {
        expect(seconds).toBeGreaterThanOrEqual(27);
        expect(seconds).toBeLessThanOrEqual(33);
      }
      expect(r.idle).toEqual([0, 0]);
      const [exactBurst, interpolatedBurst, sinceBurst] = r.burst;
      // The oldest unread record arrived with the burst: its age, not the partition's average rate's guess.
      expect(Math.abs(exactBurst - sinceBurst)).toBeLessThanOrEqual(2);
      expect(interpolatedBurst).toBeGreaterThanOrEqual(sinceBurst - 2);
      expect(interpolatedBurst).toBeLessThanOrEqual(sinceBurst + 3);
    }
  }, 90_000);
});
