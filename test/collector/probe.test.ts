import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { Sample } from '../../model/src/sample.ts';
import { KafkaSession } from '../../collector/src/kafka/session.ts';
import { probeSource } from '../../collector/src/sources/probe.ts';
import { controlBroker } from '../../lab/src/control.ts';
import { processState } from '../../lab/src/process.ts';
import { waitFor } from '../../lab/src/readiness.ts';
import { bootstrapOf } from '../../lab/src/state.ts';
import { currentLab, labKafka, uniqueName, waitForEveryPartitionInSync } from '../lab/lab.ts';

type Window = Record<string, number | undefined>;

/** The probe's window per broker id, from one collection's samples. */
const byBroker = (samples: readonly Sample[]): Map<string, Window> =>
  new Map(samples.map((s) => [s.tags.broker ?? '', s.fields as Window]));

const clean = (w: Window | undefined): boolean =>
  w !== undefined && w.availability === 1 && (w.received ?? 0) > 0 && w.lost === 0;

describe('the synthetic probe against the lab', () => {
  const dir = currentLab().dir;
  afterAll(async () => {
    const b2 = currentLab().brokers.find((b) => b.id === 2);
    if (b2 !== undefined && processState(b2.pid, dir) === 'paused') await controlBroker(dir, 2, 'resume');
  });

  it("pause-broker 2 degrades broker 2's probe within 20 s while the other brokers' stay clean", async () => {
    const topic = uniqueName('probe');
    const session = new KafkaSession({
      brokers: bootstrapOf(currentLab()),
      clientId: 'probe-test',
      requestTimeoutMs: 5_000,
    });
    const probe = probeSource(
      'lab',
      session,
      { topic, interval: 500, sla: 1_000, lost_after: 10_000 },
      Date.now,
    );
    const signal = new AbortController().signal;
    const collect = async () => byBroker((await probe.collect(Date.now(), signal)).samples);
    const log: string[] = [];
    try {
      const first = await probe.collect(Date.now(), signal);
      expect(first.exposed).toBe(3); // a probe partition for each broker
      await sleep(5_000);
      let healthy = await collect();
      await sleep(5_000);
      healthy = await collect();
      for (const id of ['1', '2', '3'])
        expect(clean(healthy.get(id)), `broker ${id} before: ${JSON.stringify(healthy.get(id))}`).toBe(true);

      const pausedAt = Date.now();
      await controlBroker(dir, 2, 'pause');
      let degradedAfter: number | undefined;
      while (Date.now() - pausedAt < 20_000 && degradedAfter === undefined) {
        await sleep(5_000);
        const w = await collect();
        log.push(JSON.stringify(Object.fromEntries(w)));
        for (const id of ['1', '3'])
          expect(clean(w.get(id)), `broker ${id} while 2 is paused: ${JSON.stringify(w.get(id))}`).toBe(true);
        const b2 = w.get('2');
        if (
          b2 !== undefined &&
          (b2.availability !== 1 || b2.received === 0 || (b2.latency_p99_ms ?? 0) > 1_000)
        ) {
          degradedAfter = Date.now() - pausedAt;
        }
      }
      console.log(`broker 2's probe degraded ${degradedAfter} ms after the pause:\n${log.join('\n')}`);
      expect(degradedAfter).toBeDefined();
      expect(degradedAfter).toBeLessThanOrEqual(20_000);
    } finally {
      await controlBroker(dir, 2, 'resume');
    }
    // Back to clean once the broker answers again (and the cluster is whole for the next tests).
    let recovered: Map<string, Window> = new Map();
    await waitFor("broker 2's probe to be clean again", 60_000, async () => {
      await sleep(3_000);
      recovered = await collect();
      return clean(recovered.get('2'));
    });
    const admin = labKafka('probe-test-admin').admin();
    await admin.connect();
    await waitForEveryPartitionInSync();
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
    await probe.close();
  }, 150_000);
});
