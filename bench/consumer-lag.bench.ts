import { existsSync } from 'node:fs';
import { readLagSnapshot } from '../collector/src/kafka/lag.ts';
import { KafkaSession } from '../collector/src/kafka/session.ts';
import { labStatus, requireState, stopLab } from '../lab/src/control.ts';
import { defaultLabDir } from '../lab/src/paths.ts';
import { bootstrapOf, readState } from '../lab/src/state.ts';
import type { LabState } from '../lab/src/state.ts';
import { startLab } from '../lab/src/up.ts';
import { fileURLToPath } from 'node:url';
import { buildKadmPeer } from './kadm-peer.ts';
import { runKafkaConsumerGroups } from './kafka-consumer-groups.ts';
import { startLagMembers } from './lag-members.ts';
import {
  committedOf,
  protocolOf,
  seedLagCluster,
  seededEnds,
  seedShape,
  snapshotLag,
  topicName,
} from './lag-seed.ts';
import { runMeasured } from './measured.ts';
import { median, result, oursAtMost, ratioAtMost } from './result.ts';
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
  // 12,000 replicas a broker: the default 512 MiB heap is the demo's, not a platform's.
  say(`starting a lab in ${dir} (brokers' heap 2 GiB)`);
  return { lab: await startLab({ dir, brokers: 3, say, brokerHeapMb: 2_048 }), started: true };
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

/** The lag every seeded group should show, summed over its partitions: its topic's log ends less its commits. */
const expectedLag = (g: number, ends: readonly number[][]): number =>
  Array.from({ length: seedShape.partitions }, (_, p) =>
    Math.max(0, (ends[g % seedShape.topics]?.[p] ?? 0) - committedOf(g, p)),
  ).reduce((a, b) => a + b, 0);

/** After every member holds its partitions: the members' JVM busy with 2,000 first polls quiets down. */
const SETTLE_MS = 90_000;

/** The request types a lag cycle sends (the members' heartbeats and fetches are other types). */
const LAG_REQUESTS = [
  'ListGroups',
  'FindCoordinator',
  'DescribeGroups',
  'ConsumerGroupDescribe',
  'OffsetFetch',
  'Metadata',
  'ListOffsets',
  'DescribeProducers',
  'ListTransactions',
] as const;

/** Lag-cycle requests the brokers served while `work` ran. */
async function servedDuring(lab: LabState, work: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = await brokerRequestCounts(lab);
  await work();
  const after = await brokerRequestCounts(lab);
  return Object.fromEntries(LAG_REQUESTS.map((n) => [n, (after.get(n) ?? 0) - (before.get(n) ?? 0)]));
}

const cyclesScript = fileURLToPath(new URL('./lag-cycles.ts', import.meta.url));

/**
 * Consumer lag at scale on the real lab: 2,000 groups, half of them on the new consumer protocol (KIP-848), each
 * with one live member (a Java consumer, `LagBenchMembers.java`) holding the 60 partitions of its topic, on
 * 200 topics × 60 partitions of replication 3 (12,000 partitions, 36,000 replicas). Ours: a collector's
 * consumer-lag source in a process of its own (`lag-cycles.ts`): its first cycle from a new session (cold) and
 * the steady ones; peak RSS; requests per cycle as the brokers counted them. Checked: every group's protocol,
 * state, members and lag against the seeded truth (its commits, and its topic's log ends as kafkajs's admin reads
 * them). Ours and kadm take turns, 3 rounds, once the members have settled. Peers in the same run on the same
 * cluster: a Go program on franz-go's kadm (`kadm-lag/`, the figure that counts: its own time from client
 * creation to every group's lag, as ours) and Kafka's own `kafka-consumer-groups --describe --all-groups` (process start to exit).
 */
export default async function bench(): Promise<BenchResult[]> {
  const { lab, started } = await labForBench();
  const session = new KafkaSession({
    brokers: bootstrapOf(lab),
    clientId: 'bench-lag',
    requestTimeoutMs: 30_000,
  });
  let stopMembers: (() => Promise<void>) | undefined;
  try {
    const seedStart = Date.now();
    await seedLagCluster(session, say);
    say(`seeded in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
    const runKadm = await buildKadmPeer(say);
    const joinStart = Date.now();
    stopMembers = await startLagMembers(lab, say);
    const joinedMs = Date.now() - joinStart;
    say(`every member assigned ${(joinedMs / 1000).toFixed(1)} s after the start`);
    const ends = await seededEnds(session);
    const extra = ends.flat().filter((e) => e !== seedShape.records).length;
    if (extra > 0)
      say(
        `${extra} partitions hold other than ${seedShape.records} records (a retried fill): checked as they are`,
      );
    say(`letting the members settle for ${SETTLE_MS / 1000} s before timing`);
    await new Promise((done) => setTimeout(done, SETTLE_MS));
    const input = `lab: 3 brokers (Kafka 4.3.1), ${seedShape.topics} topics × ${seedShape.partitions} partitions, replication ${seedShape.replication}, ${seedShape.records} records a partition; ${seedShape.groups} groups (odd ones group.protocol=consumer, even ones classic), each one live Java consumer holding its topic's ${seedShape.partitions} partitions (paused, never committing) and the commits bench/lag-seed.ts seeded; timed from ${SETTLE_MS / 1000} s after every member was assigned, ours and kadm taking turns 3 times`;

    // One snapshot: requests as the brokers counted them, and every group against the seeded truth.
    const snaps: Awaited<ReturnType<typeof readLagSnapshot>>[] = [];
    const oursServed = await servedDuring(lab, async () => snaps.push(await readLagSnapshot(session)));
    const snap = snaps[0];
    if (snap === undefined) throw new Error('no snapshot');
    say(`requests per snapshot (ours): ${JSON.stringify(snap.rpcs)}`);
    say(`lag requests served by the brokers meanwhile: ${JSON.stringify(oursServed)}`);
    const lagOf = (g: (typeof snap.groups)[number]): number => snapshotLag(snap, g);
    const seeded = snap.groups.filter((g) => g.group.startsWith('bench-group-'));
    if (seeded.length !== seedShape.groups) throw new Error(`saw ${seeded.length} seeded groups`);
    const wrong: string[] = [];
    for (const g of seeded) {
      const i = Number(g.group.slice('bench-group-'.length));
      const problems = [
        g.protocol !== protocolOf(i) && `protocol ${g.protocol}`,
        g.state !== 'Stable' && `state ${g.state}`,
        g.members !== 1 && `${g.members} members`,
        lagOf(g) !== expectedLag(i, ends) && `lag ${lagOf(g)} (seeded ${expectedLag(i, ends)})`,
        g.committed.some((c) => c.topic !== topicName(i % seedShape.topics)) && 'another topic',
      ].filter((p) => p !== false);
      if (problems.length > 0) wrong.push(`${g.group}: ${problems.join(', ')}`);
    }
    say(
      `groups that differ from the seeded truth: ${wrong.length}${wrong.length > 0 ? ` (${wrong.slice(0, 5).join('; ')})` : ''}`,
    );

    // Ours (in a process of its own: its first lag read, one more, a cold cycle and three steady ones) and the Go
    // peer, taking turns 3 times: both see the same machine (the members' JVM and the brokers share its 2 cores).
    const cycles = {
      first: [] as number[],
      lag: [] as number[],
      cold: [] as number[],
      steady: [] as number[],
      samples: 0,
      errors: 0,
    };
    let firstError: string | undefined;
    let oursRssMiB = 0;
    const kadmRuns: Awaited<ReturnType<typeof runKadm>>[] = [];
    let kadmServed: Record<string, number> = {};
    for (let round = 0; round < 3; round++) {
      const ours = await runMeasured(process.execPath, [
        '--import',
        'tsx',
        cyclesScript,
        bootstrapOf(lab).join(','),
        '1',
      ]);
      const got = JSON.parse(ours.out.trim().split('\n').at(-1) ?? '{}') as {
        first: number;
        lag: number[];
        cold: number[];
        steady: number[];
        samples: number;
        errors: number;
        firstError?: string;
      };
      cycles.first.push(got.first);
      cycles.lag.push(...got.lag);
      cycles.cold.push(...got.cold);
      cycles.steady.push(...got.steady);
      cycles.samples = got.samples;
      cycles.errors = Math.max(cycles.errors, got.errors);
      firstError ??= got.firstError;
      oursRssMiB = Math.max(oursRssMiB, ours.maxRssMiB);
      if (round === 0) kadmServed = await servedDuring(lab, async () => kadmRuns.push(await runKadm(lab)));
      else kadmRuns.push(await runKadm(lab));
    }
    say(
      `ours: every group's lag in messages ${cycles.lag.join(', ')} ms (a new process's first read ${cycles.first.join(', ')} ms); whole cycles cold ${cycles.cold.join(', ')} ms; steady ${cycles.steady.join(', ')} ms; ${cycles.samples} samples a cycle; ${cycles.errors} errors${firstError === undefined ? '' : ` (${firstError})`}; peak RSS ${oursRssMiB} MiB`,
    );
    const kadm = kadmRuns[0];
    if (kadm === undefined) throw new Error('no kadm run');
    const ourLag = new Map(snap.groups.map((g) => [g.group, lagOf(g)]));
    const kadmAgree = [...kadm.groups].filter(([group, g]) => ourLag.get(group) === g.lag).length;
    const kadmMembersAgree = seeded.filter((g) => kadm.groups.get(g.group)?.members === g.members).length;
    say(
      `kadm: ${kadmRuns.map((r) => r.ms).join(', ')} ms; peak RSS ${kadm.maxRssMiB} MiB; requests ${JSON.stringify(kadmServed)}; ${kadmAgree}/${kadm.groups.size} groups' lag and ${kadmMembersAgree}/${seeded.length} seeded groups' members equal to ours`,
    );

    const peer = await runKafkaConsumerGroups(lab, say);
    const agree = [...peer.lagByGroup].filter(([group, lag]) => ourLag.get(group) === lag).length;
    say(
      `kafka-consumer-groups: lag for ${peer.lagByGroup.size} groups after ${peer.ms} ms; ${agree}/${peer.lagByGroup.size} groups' lag equal to ours`,
    );
    const shared = {
      lagInMessagesMs: cycles.lag,
      lagInMessagesFirstInProcessMs: cycles.first,
      wholeCycleColdMs: cycles.cold,
      steadyCycleMsMedian: median(cycles.steady),
      samplesPerCycle: cycles.samples,
      errorsPerCycle: cycles.errors,
      requestsPerCycle: snap.rpcs,
      requestsServedByBrokers: oursServed,
      groupsWrongVsSeededTruth: wrong.length,
      oursPeakRssMiB: oursRssMiB,
      membersAssignedAfterMs: joinedMs,
    };
    return [
      result({
        name: 'consumer-lag',
        target: ratioAtMost(1, "every group's lag in messages no slower than kadm"),
        unit: 'ms',
        ours: median(cycles.lag),
        peer: median(kadmRuns.map((r) => r.ms)),
        peerName: 'franz-go kadm v1.20.0 (Go, bench/kadm-lag)',
        better: 'lower',
        input,
        runs: cycles.lag.length,
        details: {
          ...shared,
          peerRunsMs: kadmRuns.map((r) => r.ms),
          peerPeakRssMiB: kadm.maxRssMiB,
          peerRequestsServedByBrokers: kadmServed,
          groupsLagAgreeingWithPeer: `${kadmAgree}/${kadm.groups.size}`,
          seededGroupsMembersAgreeingWithPeer: `${kadmMembersAgree}/${seeded.length}`,
          secondPeer: `kafka-consumer-groups --describe --all-groups ${peer.ms} ms (consumer-lag-cycle.json)`,
        },
      }),
      result({
        name: 'consumer-lag-cycle',
        target: oursAtMost(2_000, 'one whole cycle ≤ 2 s'),
        unit: 'ms',
        ours: median(cycles.cold),
        peer: peer.ms,
        peerName: 'kafka-consumer-groups --describe --all-groups (Kafka 4.3.1)',
        better: 'lower',
        input,
        runs: cycles.cold.length,
        details: { ...shared, groupsAgreeingWithPeer: `${agree}/${peer.lagByGroup.size}`, peerRuns: 1 },
      }),
    ];
  } finally {
    await stopMembers?.();
    await session.close();
    if (started) await stopLab(requireState(lab.dir), say);
  }
}
