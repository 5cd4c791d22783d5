import { afterAll, describe, expect, it } from 'vitest';
import { jmxMetrics } from '../../model/src/jmx.ts';
import { collectOnce } from '../../collector/src/cycle.ts';
import type { CycleSummary } from '../../collector/src/cycle.ts';
import { buildNameIndex } from '../../collector/src/jmx-names.ts';
import { jmxTextSource } from '../../collector/src/sources/jmx-text.ts';
import { jolokiaSource } from '../../collector/src/sources/jolokia.ts';
import { clusterStateSource } from '../../collector/src/sources/cluster-state.ts';
import { connectInflux, writeLineProtocol } from '../../collector/src/sink/influx.ts';
import { waitForSteady } from '../../lab/src/readiness.ts';
import { controlBroker } from '../../lab/src/control.ts';
import { processState } from '../../lab/src/process.ts';
import { KafkaSession } from '../../collector/src/kafka/session.ts';
import { currentLab, labKafka, underReplicatedPartitions, uniqueName } from '../lab/lab.ts';

const index = buildNameIndex(jmxMetrics);

/** One cycle over every lab broker's two JMX endpoints, written nowhere (the write path has its own tests). */
async function cycle(timeoutMs: number): Promise<CycleSummary> {
  const sources = currentLab().brokers.flatMap((b) => [
    jmxTextSource(
      { cluster: 'lab', broker: String(b.id), url: `http://127.0.0.1:${b.jmxPort}/metrics` },
      index,
    ),
    jolokiaSource(
      { cluster: 'lab', broker: String(b.id), url: `http://127.0.0.1:${b.jolokiaPort}/jolokia/` },
      jmxMetrics,
    ),
  ]);
  return collectOnce(
    sources,
    () => () => Promise.resolve({ ok: true }),
    Date.now(),
    timeoutMs,
    () => Date.now(),
  );
}

const upByBroker = (s: CycleSummary): Record<string, boolean[]> => {
  const out: Record<string, boolean[]> = {};
  for (const t of s.targets) (out[t.target.split(' ')[1] ?? ''] ??= []).push(t.up);
  return out;
};

describe('collection cycle isolation (real brokers)', () => {
  const dir = currentLab().dir;
  afterAll(async () => {
    const lab = currentLab();
    const b3 = lab.brokers.find((b) => b.id === 3);
    if (b3 !== undefined && processState(b3.pid, dir) === 'paused') await controlBroker(dir, 3, 'resume');
    const b2 = lab.brokers.find((b) => b.id === 2);
    if (b2 !== undefined && processState(b2.pid, dir) === 'gone') await controlBroker(dir, 2, 'start');
  });

  it('a paused (hung) broker costs its own targets the deadline and nobody else any time', async () => {
    await controlBroker(dir, 3, 'pause');
    try {
      const summary = await cycle(2_000);
      expect(upByBroker(summary)).toEqual({ '1': [true, true], '2': [true, true], '3': [false, false] });
      for (const t of summary.targets.filter((t) => !t.target.startsWith('broker 3'))) {
        expect(t.durationMs).toBeLessThan(1_500);
      }
      for (const t of summary.targets.filter((t) => t.target.startsWith('broker 3'))) {
        expect(t.error).toContain('no answer within 2000 ms');
      }
      expect(summary.durationMs).toBeLessThan(3_000);
    } finally {
      await controlBroker(dir, 3, 'resume');
    }
    expect(
      Object.values(upByBroker(await cycle(5_000)))
        .flat()
        .every(Boolean),
    ).toBe(true);
  });

  it("a killed broker's targets are up 0 in the very next cycle; the admin-API counts in InfluxDB match the metadata", async () => {
    const lab = currentLab();
    const admin = labKafka('cycle-drill').admin();
    await admin.connect();
    const topic = uniqueName('cycle');
    await admin.createTopics({
      topics: [{ topic, numPartitions: 6, replicationFactor: 3 }],
      waitForLeaders: true,
    });
    await controlBroker(dir, 2, 'kill');
    try {
      const summary = await cycle(2_000);
      expect(upByBroker(summary)).toEqual({ '1': [true, true], '2': [false, false], '3': [true, true] });
      expect(summary.targets.find((t) => !t.up)?.error).toContain('unreachable');

      const metadataUrp = (): Promise<number> => underReplicatedPartitions();
      await waitForSteady('every broker to show the dead broker', 20_000, metadataUrp, (n) => n > 0);
      const database = uniqueName('cluster').replaceAll('-', '_');
      const influx = await connectInflux({ url: lab.influx.url, database });
      const live = lab.brokers.filter((b) => b.id !== 2).map((b) => `127.0.0.1:${b.port}`);
      const session = new KafkaSession({ brokers: live, clientId: 'cycle-drill-state' });
      const source = clusterStateSource('lab', session, [1, 2, 3]);
      const written = await collectOnce(
        [source],
        () => (body) => writeLineProtocol({ url: lab.influx.url, database }, body),
        Date.now(),
        10_000,
        () => Date.now(),
      );
      await session.close();
      expect(written.targets[0]?.up).toBe(true);
      const expectedUrp = await metadataUrp();
      const [row] = await influx.query<{ urp: number; offline: number; missing: number }>(
        `SELECT last("under_replicated_partitions") AS urp, last("offline_partitions") AS offline, last("brokers_missing") AS missing FROM "cluster" WHERE time > now() - 5m AND time <= now() + 1m`,
      );
      expect(row).toMatchObject({ urp: expectedUrp, offline: 0, missing: 1 });
      const [b2] = await influx.query<{ registered: number }>(
        `SELECT last("registered") AS registered FROM "cluster_broker" WHERE "broker" = '2' AND time > now() - 5m AND time <= now() + 1m`,
      );
      expect(b2?.registered).toBe(0);
      await influx.dropDatabase(database);
    } finally {
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
      await controlBroker(dir, 2, 'start');
    }
  }, 90_000);
});
