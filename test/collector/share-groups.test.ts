import { afterAll, describe, expect, it } from 'vitest';
import { createProducer } from '../../collector/src/kafka/client.ts';
import { partitionKey, readLagSnapshot } from '../../collector/src/kafka/lag.ts';
import type { GroupOffsets, LagSnapshot } from '../../collector/src/kafka/lag.ts';
import { consumerLagSource } from '../../collector/src/sources/lag/consumer-lag.ts';
import type { Sample } from '../../model/src/sample.ts';
import { evaluateRules } from '../../rules/src/evaluate.ts';
import { loadRules } from '../../rules/src/load.ts';
import { MemoryPort } from '../../rules/src/memory-port.ts';
import { cellValue, runKafkaTool, startKafkaTool, toolTable } from '../../lab/src/kafka-tools.ts';
import type { KafkaToolProcess } from '../../lab/src/kafka-tools.ts';
import { bootstrapOf } from '../../lab/src/state.ts';
import { asMemoryPoint, currentLab, labKafka, sleep, uniqueName, until, withLabSession } from '../lab/lab.ts';

const pack = new URL('../../rules/kafka', import.meta.url).pathname;

// A share group (KIP-932; share groups are on by default from Kafka 4.2, `share.version` 1 on the lab), run by
// Kafka's own console share consumer from the lab's jars: kafkajs has no share consumer. Share groups commit
// nothing; Lookout reads each share-partition's start offset and Kafka's count of its records not yet
// acknowledged (DescribeShareGroupOffsets v1) and stores those as the group's backlog, checked against Kafka's own
// `kafka-share-groups --describe`. (The start offset alone is no position: on the lab it stayed at 0 after all
// 300 records were read and acknowledged, Kafka's LAG 0.)

/** One partition's row of `kafka-share-groups --describe --group G`: its start offset and Kafka's lag. */
interface ShareRow {
  start: number | undefined;
  lag: number | undefined;
}

async function describeWithKafka(group: string, topic: string): Promise<Map<number, ShareRow>> {
  const out = await runKafkaTool('org.apache.kafka.tools.consumer.group.ShareGroupCommand', [
    '--bootstrap-server',
    bootstrapOf(currentLab()).join(','),
    '--describe',
    '--group',
    group,
  ]);
  const rows = new Map<number, ShareRow>();
  for (const r of toolTable(out))
    if (r.GROUP === group && r.TOPIC === topic)
      rows.set(Number(r.PARTITION), { start: cellValue(r['START-OFFSET']), lag: cellValue(r.LAG) });
  return rows;
}

/** Our reading of the same group, per partition, in the tool's terms. */
function ourRows(snap: LagSnapshot, g: GroupOffsets, topic: string): Map<number, ShareRow> {
  const rows = new Map<number, ShareRow>();
  for (const c of g.committed) {
    if (c.topic !== topic) continue;
    const log = snap.logs.get(partitionKey(topic, c.partition));
    if (log === undefined) continue;
    rows.set(c.partition, {
      start: c.shareStart,
      lag: c.offset < 0 ? undefined : log.end - Math.max(c.offset, log.start),
    });
  }
  return rows;
}

const backlog = (snap: LagSnapshot, g: GroupOffsets | undefined): number | undefined =>
  g?.committed.reduce(
    (n, c) => n + (snap.logs.get(partitionKey(c.topic, c.partition))?.end ?? 0) - Math.max(c.offset, 0),
    0,
  );

/** Kafka's console share consumer as a member of `group`, printing (and so acknowledging) what it reads. */
async function startShareConsumer(
  topic: string,
  group: string,
  ...extra: string[]
): Promise<KafkaToolProcess> {
  const member = await startKafkaTool('org.apache.kafka.tools.consumer.ConsoleShareConsumer', [
    '--bootstrap-server',
    bootstrapOf(currentLab()).join(','),
    '--topic',
    topic,
    '--group',
    group,
    ...extra,
  ]);
  member.stderr.resume();
  return member;
}

/** Lines a member printed, counted as they come. */
function countLines(member: KafkaToolProcess): { count: number } {
  const seen = { count: 0 };
  member.stdout.on('data', (c: Buffer) => {
    for (const b of c) if (b === 10) seen.count += 1;
  });
  return seen;
}

describe('a share group (KIP-932) on the lab', () => {
  const topic = uniqueName('share');
  const group = uniqueName('share-group');
  const members: KafkaToolProcess[] = [];
  afterAll(async () => {
    for (const m of members) m.kill('SIGKILL');
    const admin = labKafka('share-admin').admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('reads its members and its backlog as Kafka tells them; with nobody reading, ShareGroupBacklogHigh holds for its tenant', async () => {
    const kafka = labKafka('share-test');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic, numPartitions: 3, replicationFactor: 3 }],
      waitForLeaders: true,
    });
    await admin.disconnect();
    const producer = createProducer(kafka);
    await producer.connect();
    const produce = (n: number) =>
      producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: n }, (_, i) => ({ partition: i % 3, value: `m${i}` })),
      });
    const read = () => withLabSession('share-test', readLagSnapshot);
    const find = (snap: LagSnapshot) => snap.groups.find((x) => x.group === group);

    // Two members on an empty topic (a share group starts at the log end), then 300 records, all read.
    for (const id of ['a', 'b']) {
      const m = await startShareConsumer(topic, group, '--consumer-property', `client.id=${group}-${id}`);
      members.push(m);
    }
    const printed = members.map(countLines);
    await until('both members in the share group', 90_000, async () => {
      const g = find(await read());
      return g?.members === 2 && g.assignedPartitions === 3 ? true : undefined;
    });
    await sleep(3_000); // the members' first fetch sets each share-partition's start at the (empty) log end
    await produce(300);
    const live = await until('300 records read and acknowledged', 90_000, async () => {
      const snap = await read();
      const g = find(snap);
      const total = printed.reduce((n, p) => n + p.count, 0);
      return total >= 300 && g?.committed.length === 3 && backlog(snap, g) === 0 ? { snap, g } : undefined;
    });
    expect(live.g).toMatchObject({ protocol: 'share', state: 'Stable', members: 2, assignedPartitions: 3 });
    expect(live.g.epochs?.group).toBe(live.g.epochs?.assignment);
    expect(new Set(live.g.committed.map((c) => c.holder?.clientId)).size).toBeGreaterThan(0);
    expect(ourRows(live.snap, live.g, topic)).toEqual(await describeWithKafka(group, topic));
    expect(live.snap.notes).toEqual([]);

    // Nobody reading: both members gone, then 150 more records. The backlog is exactly those 150.
    for (const m of members) m.kill('SIGTERM');
    await Promise.all(members.map((m) => new Promise((done) => m.on('close', done))));
    await produce(150);
    const idle = await until('the share group empty, 150 unacknowledged', 60_000, async () => {
      const snap = await read();
      const g = find(snap);
      return g?.members === 0 && backlog(snap, g) === 150 ? { snap, g } : undefined;
    });
    // Its epochs part when the last member leaves: not a rebalance.
    expect(idle.g).toMatchObject({ protocol: 'share', state: 'Empty', members: 0, rebalancing: false });
    const kafkaRows = await describeWithKafka(group, topic);
    expect(ourRows(idle.snap, idle.g, topic)).toEqual(kafkaRows);
    expect([...kafkaRows.values()].reduce((n, r) => n + (r.lag ?? 0), 0)).toBe(150);

    // What the collector stores, and the pack's rule on it: the tenant's lag_seconds at 5 s (the example
    // catalog's payments has 60 s; the test would wait a minute more for nothing), its `for` left to the rule
    // test (rules/kafka/consumers.test.yaml).
    const port = new MemoryPort();
    const { rules } = loadRules([pack]);
    const wanted = ['ShareGroupBacklogHigh', 'ConsumerLagHigh'];
    const shareRules = rules.filter((r) => wanted.includes(r.alert));
    const threshold = (_labels: Record<string, string>, name: string) =>
      name === 'lag_seconds' ? 5 : undefined;
    const stored = await withLabSession('share-source', async (session) => {
      const source = consumerLagSource('lab', session, () => 'payments');
      let samples: Sample[] = [];
      // Over a minute: "not shrinking" compares the backlog a minute apart (the rule's 1-minute steps).
      for (let i = 0; i < 14; i += 1) {
        samples = (await source.collect(Date.now(), new AbortController().signal)).samples;
        port.add(...samples.map(asMemoryPoint));
        await sleep(5_000);
      }
      return samples;
    });
    const g = stored.find((s) => s.measurement === 'consumer_group' && s.tags.group === group);
    expect(g?.tags.protocol).toBe('share');
    expect(g?.fields).toMatchObject({ state: 'Empty', members: 0, lag_messages_sum: 150 });
    expect(Number(g?.fields.lag_seconds_max)).toBeGreaterThan(5);
    const outcome = await evaluateRules(shareRules, port, Date.now(), threshold);
    const holding = (rule: string) => {
      const o = outcome.get(rule);
      return o?.ok === true ? o.instances.filter((x) => x.labels.group === group) : [];
    };
    expect(holding('ShareGroupBacklogHigh').map((x) => x.labels)).toEqual([
      { cluster: 'lab', group, tenant: 'payments' },
    ]);
    expect(holding('ConsumerLagHigh')).toEqual([]);
    console.log(
      `share group: backlog 150 records, ${Number(g?.fields.lag_seconds_max).toFixed(1)} s old; Kafka's LAG ${[...kafkaRows.values()].map((r) => r.lag).join('/')}`,
    );
    await producer.disconnect();
  }, 240_000);
});
