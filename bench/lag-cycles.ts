import { readLagSnapshot } from '../collector/src/kafka/lag.ts';
import { KafkaSession } from '../collector/src/kafka/session.ts';
import { consumerLagSource } from '../collector/src/sources/lag/consumer-lag.ts';
import { snapshotLag } from './lag-seed.ts';

/**
 * Our side of the consumer-lag benchmark, in a process of its own so that its memory is the collector's and
 * not the seeding's: `node --import tsx bench/lag-cycles.ts BOOTSTRAP RUNS`. Each read from a new session (its
 * connections and ApiVersions included, as the Go peer's from its client's creation):
 * - `first`: the process's first lag in messages, its code not yet compiled by the JIT (a collector's start);
 * - `lag`, each run: the lag in messages of every group (the lag snapshot: groups listed and described by their
 *   own protocol, commits, log start, end and last stable offsets, then each group's lag summed), what the Go
 *   peer computes, in a process that has read it before (a running collector);
 * - `cold` and `steady`, each run: a whole consumer-lag cycle of the collector (the same snapshot, then lag in
 *   seconds, exact for up to 1,000 positions a cycle, and every sample), its first cycle and three more.
 * Prints one JSON line: `{ first, lag, cold, steady, samples, errors, firstError }` (milliseconds; the last
 * cycle's samples and errors).
 */
const [bootstrap, runsArg] = process.argv.slice(2);
if (bootstrap === undefined || !/^\d+$/.test(runsArg ?? '')) {
  console.error('usage: lag-cycles.ts BOOTSTRAP[,BOOTSTRAP...] RUNS');
  process.exit(2);
}
const newSession = (name: string): KafkaSession =>
  new KafkaSession({ brokers: bootstrap.split(','), clientId: name, requestTimeoutMs: 30_000 });
const lag: number[] = [];
const cold: number[] = [];
const steady: number[] = [];
let samples = 0;
let errors = 0;
let firstError: string | undefined;
/** Every group's lag in messages from a new session; its time in ms. */
const lagFromNewSession = async (name: string): Promise<number> => {
  const bare = newSession(name);
  const t = Date.now();
  const snap = await readLagSnapshot(bare);
  const byGroup = new Map(snap.groups.map((g) => [g.group, snapshotLag(snap, g)]));
  if (byGroup.size !== snap.groups.length) throw new Error('a group listed twice');
  const ms = Date.now() - t;
  await bare.close();
  return ms;
};
// The process's first: its code not yet compiled by the JIT, as at a collector's start.
const first = await lagFromNewSession('bench-lag-first');
for (let run = 0; run < Number(runsArg); run++) {
  lag.push(await lagFromNewSession(`bench-lag-snapshot-${run}`));
  let t: number;

  const session = newSession(`bench-lag-${run}`);
  const source = consumerLagSource('lab', session, () => '', 1000);
  const signal = new AbortController().signal;
  for (let i = 0; i < 4; i++) {
    t = Date.now();
    const got = await source.collect(Date.now(), signal);
    (i === 0 ? cold : steady).push(Date.now() - t);
    samples = got.samples.length;
    errors = got.errorCount;
    firstError = got.firstError;
  }
  await session.close();
}
console.log(JSON.stringify({ first, lag, cold, steady, samples, errors, firstError }));
