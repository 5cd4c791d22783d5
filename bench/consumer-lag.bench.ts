import { existsSync } from 'node:fs';
import { partitionKey, readLagSnapshot } from '../collector/src/kafka/lag.ts';
import { KafkaSession } from '../collector/src/kafka/session.ts';
import { consumerLagSource } from '../collector/src/sources/consumer-lag.ts';
import { labStatus, requireState, stopLab } from '../lab/src/control.ts';
import { defaultLabDir } from '../lab/src/paths.ts';
import { bootstrapOf, readState } from '../lab/src/state.ts';
import type { LabState } from '../lab/src/state.ts';
import { startLab } from '../lab/src/up.ts';
import { committedOf, seedLagCluster, seedShape, topicName } from './lag-seed.ts';
import { runKafkaConsumerGroups } from './kafka-consumer-groups.ts';
import { median, result, oursAtMost } from './result.ts';
import type { BenchResult } from './result.ts';

const say = (line: string): void => console.log(`[consumer-lag] ${line}`);

/** The running lab in the default dir, or a new one this bench starts (and stops). */
async function labForBench(): Promise<{ lab: LabState; started: boolean }> {
  const dir = defaultLabDir();
  const state = existsSync(dir) ? readState(dir) : undefined;
  if (state !== undefined && labStatus(state).brokers.every((b) => b.state === 'running')) {
    say(`using the running lab in ${dir}`);
    return { lab: state, started: false };
  }
  say(`starting a lab in ${dir}`);
  return { lab: await startLab({ dir, brokers: 3, say }), started: true };
}

/** Requests served per type, summed over the brokers, from their RequestMetrics through Jolokia. */
async function brokerRequestCounts(lab: LabState): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const b of lab.brokers) {
    const url = `http://127.0.0.1:${b.jolokiaPort}/jolokia/read/kafka.network:type=RequestMetrics,name=RequestsPerSec,request=*,version=*/Count`;
    const body = (await (await fetch(url)).json()) as { value: Record<string, { Count: number }> };
    for (const [mbean, v] of Object.entries(body.value)) {
      const request = /request=([^,]+)/.exec(mbean)?.[1] ?? '?';
      counts.set(request, (counts.get(request) ?? 0) + v.Count);
    }
  }
  return counts;
}

/** The lag every seeded group should show, summed over its partitions. */
const expectedLag = (g: number): number =>
  Array.from({ length: seedShape.partitions }, (_, p) => seedShape.records - committedOf(g, p)).reduce(
    (a, b) => a + b,
    0,
  );

/**
 * Consumer lag at scale on the real lab: 2,000 groups committed on 12,000 partitions (200 topics × 60,
 * replication 1). Ours: time to a full lag cycle (groups, offsets, lag per partition, group and topic, exact
 * lag seconds within the budget) from a cold start, and the steady cycle; requests per cycle counted in our
 * adapter and cross-checked with the brokers' request metrics; RSS. The peer, in the same run on the same
 * cluster: Kafka's own `kafka-consumer-groups --describe --all-groups` (the lab's Kafka version), time from its
 * start until it printed lag for every group, and agreement (Burrow and kafka_exporter cannot run here: README).
 */
export default async function bench(): Promise<BenchResult[]> {
  const { lab, started } = await labForBench();
  const session = new KafkaSession({
    brokers: bootstrapOf(lab),
    clientId: 'bench-lag',
    requestTimeoutMs: 30_000,
  });
  try {
    const seedStart = Date.now();
    await seedLagCluster(session, say);
    say(`seeded in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
    const input = `lab: 3 brokers, ${seedShape.topics * seedShape.partitions} partitions, ${seedShape.groups} groups × ${seedShape.partitions} committed partitions, replication 1, seeded by bench/lag-seed.ts`;

    // Requests of one snapshot, ours and as the brokers counted them.
    const before = await brokerRequestCounts(lab);
    const snap = await readLagSnapshot(session);
    const after = await brokerRequestCounts(lab);
    const served = (name: string): number => (after.get(name) ?? 0) - (before.get(name) ?? 0);
    say(`requests per snapshot (ours): ${JSON.stringify(snap.rpcs)}`);
    say(
      `requests served by the brokers meanwhile: ${JSON.stringify(
        Object.fromEntries(
          ['ListGroups', 'FindCoordinator', 'DescribeGroups', 'OffsetFetch', 'Metadata', 'ListOffsets'].map(
            (n) => [n, served(n)],
          ),
        ),
      )}`,
    );
    const seededGroups = snap.groups.filter((g) => g.group.startsWith('bench-group-'));
    if (seededGroups.length !== seedShape.groups) throw new Error(`saw ${seededGroups.length} seeded groups`);
    let wrong = 0;
    for (const g of seededGroups) {
      const i = Number(g.group.slice('bench-group-'.length));
      const lag = g.committed.reduce((sum, c) => {
        const log = snap.logs.get(partitionKey(c.topic, c.partition));
        return sum + (log === undefined ? Number.NaN : log.end - c.offset);
      }, 0);
      if (lag !== expectedLag(i) || g.committed.some((c) => c.topic !== topicName(i % seedShape.topics)))
        wrong += 1;
    }
    say(`groups whose lag differs from the seeded truth: ${wrong}`);

    // Cold start to the first full cycle, then steady cycles.
    const cold: number[] = [];
    const steady: number[] = [];
    for (let run = 0; run < 3; run++) {
      const fresh = new KafkaSession({
        brokers: bootstrapOf(lab),
        clientId: `bench-lag-${run}`,
        requestTimeoutMs: 30_000,
      });
      const source = consumerLagSource('lab', fresh, () => '', 1000);
      const signal = new AbortController().signal;
      let t = Date.now();
      await source.collect(Date.now(), signal);
      cold.push(Date.now() - t);
      for (let i = 0; i < 3; i++) {
        t = Date.now();
        const got = await source.collect(Date.now(), signal);
        steady.push(Date.now() - t);
        if (i === 2 && run === 0) say(`samples per cycle: ${got.samples.length}`);
      }
      await fresh.close();
    }
    const rssMiB = process.memoryUsage().rss / 2 ** 20;
    say(
      `cold cycles ${cold.join(', ')} ms; steady cycles ${steady.join(', ')} ms; RSS ${rssMiB.toFixed(0)} MiB`,
    );

    const peer = await runKafkaConsumerGroups(lab, say);
    const ourLag = new Map(
      snap.groups.map((g) => [
        g.group,
        g.committed.reduce((sum, c) => {
          const log = snap.logs.get(partitionKey(c.topic, c.partition));
          return (
            sum +
            (log === undefined || c.offset < 0 ? 0 : Math.max(0, log.end - Math.max(c.offset, log.start)))
          );
        }, 0),
      ]),
    );
    const agree = [...peer.lagByGroup].filter(([group, lag]) => ourLag.get(group) === lag).length;
    say(
      `kafka-consumer-groups: lag for ${peer.lagByGroup.size} groups after ${peer.ms} ms; ${agree}/${peer.lagByGroup.size} groups' lag equal to ours`,
    );
    return [
      result({
        name: 'consumer-lag-time-to-all-groups',
        target: oursAtMost(2_000, 'one cycle ≤ 2 s'),
        unit: 'ms',
        ours: median(cold),
        peer: peer.ms,
        peerName: 'kafka-consumer-groups --describe --all-groups (Kafka 4.3.1)',
        better: 'lower',
        input,
        runs: cold.length,
        details: {
          steadyCycleMsMedian: median(steady),
          requestsPerCycle: snap.rpcs,
          requestsServedByBrokers: Object.fromEntries(
            ['ListGroups', 'FindCoordinator', 'DescribeGroups', 'OffsetFetch', 'Metadata', 'ListOffsets'].map(
              (n) => [n, served(n)],
            ),
          ),
          groupsWrongVsSeededTruth: wrong,
          groupsAgreeingWithPeer: `${agree}/${peer.lagByGroup.size}`,
          rssMiB: Math.round(rssMiB),
        },
      }),
    ];
  } finally {
    await session.close();
    if (started) await stopLab(requireState(lab.dir), say);
  }
}
