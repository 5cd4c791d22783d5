import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../lab/src/random.ts';
import type { DirectBroker } from '../src/kafka/brokers.ts';
import { describeConsumerGroups, listGroups } from '../src/kafka/group-protocols.ts';
import { fetchGroupOffsets, findCoordinators } from '../src/kafka/groups.ts';
import { listLogOffsets } from '../src/kafka/log-offsets.ts';
import { readMetadata } from '../src/kafka/metadata.ts';
import { readQuorumLeader } from '../src/kafka/quorum.ts';
import { describeShareGroupOffsets, describeShareGroups } from '../src/kafka/share-groups.ts';
import { describeStreamsGroups } from '../src/kafka/streams-groups.ts';
import { describeOpenTransactions, listOpenTransactions } from '../src/kafka/transactions.ts';
import { encoder } from '../src/kafka/wire.ts';

/**
 * A broker (our own port, in memory) that answers every request we decode ourselves with `answer`'s bytes,
 * through the request's own decoder, as kafkajs hands a response body to it.
 */
function answering(answer: () => Buffer): DirectBroker {
  const refuse = (): Promise<never> => Promise.reject(new Error('not asked here'));
  return {
    nodeId: 1,
    maxVersion: () => 10,
    send: async (request: unknown) => {
      const { response } = request as { response: { decode(raw: Buffer): Promise<unknown> } };
      return response.decode(answer());
    },
    listOffsets: refuse,
    fetch: refuse,
    produce: refuse,
    describeGroups: refuse,
    listGroups: refuse,
    describeConfigs: refuse,
  } as unknown as DirectBroker;
}

/** Every reader of an answer we decode ourselves, asked once. */
const readers: Record<string, (b: DirectBroker) => Promise<unknown>> = {
  Metadata: (b) => readMetadata(b),
  ListGroups: (b) => listGroups(b),
  ConsumerGroupDescribe: (b) => describeConsumerGroups(b, ['g']),
  ShareGroupDescribe: (b) => describeShareGroups(b, ['g']),
  DescribeShareGroupOffsets: (b) => describeShareGroupOffsets(b, ['g']),
  StreamsGroupDescribe: (b) => describeStreamsGroups(b, ['g']),
  FindCoordinator: (b) => findCoordinators(b, ['g']),
  OffsetFetch: (b) => fetchGroupOffsets(b, ['g']),
  ListOffsets: (b) => listLogOffsets(b, new Map([['t', [0]]]), -1, 0),
  DescribeQuorum: (b) => readQuorumLeader(b),
  DescribeProducers: (b) => describeOpenTransactions(b, [{ topic: 't', partition: 0 }]),
  ListTransactions: (b) => listOpenTransactions(b),
};

/** Answers a broken or hostile broker might send: random bytes, and counts and lengths far past the bytes sent. */
function hostileAnswers(rand: () => number): Buffer[] {
  const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
  const huge = (e: ReturnType<typeof encoder>): Buffer => (e as unknown as { buffer: Buffer }).buffer;
  const out: Buffer[] = [Buffer.alloc(0), Buffer.from([0])];
  for (let i = 0; i < 200; i++) out.push(bytes(Math.floor(rand() * 400)));
  // Tagged fields, a throttle time, then a count of 2^32 - 2 elements or a 2^31-byte string.
  for (let skip = 0; skip < 12; skip++) {
    const head = encoder().writeUVarInt(0).writeInt32(0);
    for (let k = 0; k < skip; k++) head.writeInt8(0);
    out.push(Buffer.concat([huge(head), Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), bytes(16)]));
    out.push(Buffer.concat([huge(head), Buffer.from([0x80, 0x80, 0x80, 0x80, 0x08]), bytes(16)]));
  }
  return out;
}

describe('answers from Kafka we decode ourselves, fuzzed', () => {
  it('every reader rejects a broken or hostile answer with a plain error: no crash, no hang, bounded memory', async () => {
    const rand = seededRandom(20);
    const answers = hostileAnswers(rand);
    const before = process.memoryUsage().heapUsed;
    const outcomes = new Map<string, { ok: number; refused: number; kinds: Set<string> }>();
    for (const [name, read] of Object.entries(readers)) {
      const outcome = { ok: 0, refused: 0, kinds: new Set<string>() };
      for (const answer of answers) {
        const started = Date.now();
        try {
          await read(answering(() => answer));
          outcome.ok += 1;
        } catch (error) {
          outcome.refused += 1;
          // A RangeError of our decoder (or a plain Error of the reader): said in one line, never a TypeError
          // from reading a field of undefined.
          expect(error, `${name} on ${answer.toString('hex').slice(0, 40)}`).toBeInstanceOf(Error);
          expect((error as Error).name, name).not.toBe('TypeError');
          expect((error as Error).message, name).not.toContain('\n');
          outcome.kinds.add((error as Error).name);
        }
        expect(Date.now() - started, name).toBeLessThan(1_000);
      }
      outcomes.set(name, outcome);
    }
    for (const [name, o] of outcomes) expect(o.refused, name).toBeGreaterThan(answers.length / 2);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(200 * 2 ** 20);
  }, 60_000);
});
