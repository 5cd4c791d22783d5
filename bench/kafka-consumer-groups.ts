import { ensureKafkaJars } from '../lab/src/jars.ts';
import { startKafkaTool } from '../lab/src/kafka-tools.ts';
import type { LabState } from '../lab/src/state.ts';
import { bootstrapOf } from '../lab/src/state.ts';

/**
 * The peer of the consumer-lag benchmark: Kafka's own `kafka-consumer-groups --describe --all-groups`
 * (ConsumerGroupCommand, Java AdminClient, the lab's Kafka version), run from the lab's jars. Returns the
 * time from start until it printed lag for every group, and each group's lag summed over its partitions.
 */
export async function runKafkaConsumerGroups(
  lab: LabState,
  say: (line: string) => void,
): Promise<{ ms: number; lagByGroup: Map<string, number> }> {
  await ensureKafkaJars(say); // reports the first download's progress
  const started = Date.now();
  const child = await startKafkaTool(
    'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
    ['--bootstrap-server', bootstrapOf(lab).join(','), '--describe', '--all-groups'],
    512,
  );
  child.stdin.end();
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  const ms = Date.now() - started;
  if (code !== 0) throw new Error(`kafka-consumer-groups exited ${code}: ${err.slice(-2_000)}`);
  const lagByGroup = new Map<string, number>();
  for (const line of out.split('\n')) {
    const [group, , partition, , , lag] = line.trim().split(/\s+/);
    if (group === undefined || group === 'GROUP' || partition === undefined || !/^\d+$/.test(partition))
      continue;
    lagByGroup.set(group, (lagByGroup.get(group) ?? 0) + (lag === '-' ? 0 : Number(lag)));
  }
  return { ms, lagByGroup };
}
