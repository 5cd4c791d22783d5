import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProducer } from '../../collector/src/kafka/client.ts';
import { partitionKey, readLagSnapshot } from '../../collector/src/kafka/lag.ts';
import type { GroupOffsets, LagSnapshot } from '../../collector/src/kafka/lag.ts';
import { labResources } from '../../lab/src/paths.ts';
import { cellValue, runKafkaTool, startKafkaTool, toolTable } from '../../lab/src/kafka-tools.ts';
import type { KafkaToolProcess } from '../../lab/src/kafka-tools.ts';
import { bootstrapOf } from '../../lab/src/state.ts';
import { currentLab, labKafka, uniqueName, until, withLabSession } from '../lab/lab.ts';

// A streams group (KIP-1071, `group.protocol=streams`; `streams.version` 1 on the lab's Kafka 4.3): a small
// Kafka Streams application (lab/streams/LabStreamsApp.java, run by Java's source launcher over the lab's jars)
// reading a 3-partition topic. ListGroups types it `streams`; DescribeGroups and ConsumerGroupDescribe do not
// answer it. Lookout describes it by StreamsGroupDescribe (its tasks turned into the source partitions they
// read) and its commits by OffsetFetch, checked against Kafka's own `kafka-streams-groups --describe --offsets --verbose`.

interface ToolRow {
  offset: number | undefined;
  lag: number | undefined;
}

async function describeWithKafka(group: string, topic: string): Promise<Map<number, ToolRow>> {
  const out = await runKafkaTool('org.apache.kafka.tools.streams.StreamsGroupCommand', [
    '--bootstrap-server',
    bootstrapOf(currentLab()).join(','),
    '--describe',
    '--offsets',
    '--verbose', // CURRENT-OFFSET and LOG-END-OFFSET beside OFFSET-LAG
    '--group',
    group,
  ]);
  const rows = new Map<number, ToolRow>();
  for (const r of toolTable(out))
    if (r.GROUP === group && r.TOPIC === topic)
      rows.set(Number(r.PARTITION), {
        offset: cellValue(r['CURRENT-OFFSET']),
        lag: cellValue(r['OFFSET-LAG']),
      });
  return rows;
}

function ourRows(snap: LagSnapshot, g: GroupOffsets, topic: string): Map<number, ToolRow> {
  const rows = new Map<number, ToolRow>();
  for (const c of g.committed) {
    const log = snap.logs.get(partitionKey(topic, c.partition));
    if (c.topic !== topic || log === undefined) continue;
    rows.set(c.partition, {
      offset: c.offset < 0 ? undefined : c.offset,
      lag: c.offset < 0 ? undefined : log.end - Math.max(c.offset, log.start),
    });
  }
  return rows;
}

const lagOf = (snap: LagSnapshot, g: GroupOffsets | undefined): number | undefined =>
  g?.committed.reduce(
    (n, c) => n + (snap.logs.get(partitionKey(c.topic, c.partition))?.end ?? 0) - Math.max(c.offset, 0),
    0,
  );

describe('a streams group (KIP-1071) on the lab', () => {
  const input = uniqueName('streams-in');
  const output = uniqueName('streams-out');
  const group = uniqueName('streams-app');
  const stateDir = mkdtempSync(join(tmpdir(), 'lookout-streams-'));
  let app: KafkaToolProcess | undefined;
  afterAll(async () => {
    app?.kill('SIGKILL');
    const admin = labKafka('streams-admin').admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [input, output] }).catch(() => undefined);
    await admin.disconnect();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('is described by its own protocol: the member, the partitions its tasks read, lag as Kafka tells it; stopped, Empty with its lag', async () => {
    const kafka = labKafka('streams-test');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic: input, numPartitions: 3, replicationFactor: 3 },
        { topic: output, numPartitions: 3, replicationFactor: 3 },
      ],
      waitForLeaders: true,
    });
    await admin.disconnect();
    const producer = createProducer(kafka);
    await producer.connect();
    const produce = (n: number) =>
      producer.send({
        topic: input,
        acks: -1,
        messages: Array.from({ length: n }, (_, i) => ({ partition: i % 3, value: `m${i}` })),
      });
    await produce(300);

    app = await startKafkaTool(join(labResources, 'streams', 'LabStreamsApp.java'), [
      bootstrapOf(currentLab()).join(','),
      group,
      input,
      output,
      stateDir,
    ]);
    let printed = '';
    app.stdout.on('data', (c: Buffer) => (printed += c.toString('utf8')));
    const read = () => withLabSession('streams-test', readLagSnapshot);
    const find = (snap: LagSnapshot) => snap.groups.find((x) => x.group === group);
    const live = await until(
      'the application running, every partition read and committed',
      120_000,
      async () => {
        const snap = await read();
        const g = find(snap);
        return g?.members === 1 && g.assignedPartitions === 3 && lagOf(snap, g) === 0
          ? { snap, g }
          : undefined;
      },
    );
    expect(printed).toContain('STATE RUNNING');
    expect(live.g).toMatchObject({ protocol: 'streams', state: 'Stable', members: 1, rebalancing: false });
    expect(live.g.epochs?.group).toBe(live.g.epochs?.assignment);
    expect(new Set(live.g.committed.map((c) => c.holder?.clientId)).size).toBe(1);
    const kafkaLive = await describeWithKafka(group, input);
    expect(ourRows(live.snap, live.g, input)).toEqual(kafkaLive);
    expect([...kafkaLive.values()].map((r) => r.offset)).toEqual([100, 100, 100]);
    expect(live.snap.notes).toEqual([]);

    // Stopped (a clean close leaves the group), then 30 more records: Empty, no members, 30 behind.
    app.kill('SIGTERM');
    await new Promise((done) => app?.on('close', done));
    await produce(30);
    await producer.disconnect();
    const stopped = await until('the group empty, 30 behind', 90_000, async () => {
      const snap = await read();
      const g = find(snap);
      return g?.members === 0 && lagOf(snap, g) === 30 ? { snap, g } : undefined;
    });
    expect(stopped.g).toMatchObject({ protocol: 'streams', state: 'Empty', members: 0, rebalancing: false });
    // Kafka's tool lists no offsets for a streams group without members; the commits are the ones it showed
    // while the application ran, and the lag is the 30 records produced since.
    expect(ourRows(stopped.snap, stopped.g, input)).toEqual(
      new Map([0, 1, 2].map((p) => [p, { offset: 100, lag: 10 }])),
    );
    console.log(
      `streams group: ${stopped.g.committed.length} partitions committed, lag ${lagOf(stopped.snap, stopped.g)} after the application stopped`,
    );
  }, 300_000);
});
