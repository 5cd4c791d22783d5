import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { ensureKafkaJars } from './jars.ts';
import { labResources } from './paths.ts';

/** A running Kafka tool (its stdin and stdout piped, stderr kept for the error). */
export type KafkaToolProcess = ChildProcessByStdio<Writable, Readable, Readable>;

/**
 * Starts one of Kafka's own Java tools from the lab's jars (the lab's Kafka version), e.g.
 * `org.apache.kafka.tools.consumer.ConsoleConsumer`: what tests and benchmarks use where kafkajs cannot speak
 * for a Java client (new consumer protocol, share groups, compression codecs).
 */
export async function startKafkaTool(
  mainClass: string,
  args: readonly string[],
  heapMb = 256,
): Promise<KafkaToolProcess> {
  const jars = await ensureKafkaJars(() => undefined);
  return spawn(
    'java',
    [
      `-Xmx${heapMb}m`,
      `-Dlog4j2.configurationFile=file:${join(labResources, 'log4j2.properties')}`,
      '-cp',
      jars.classpath,
      mainClass,
      ...args,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
}

/** Runs a Kafka tool to its end: its output, or an error with its exit code and the end of its stderr. */
export async function runKafkaTool(
  mainClass: string,
  args: readonly string[],
  heapMb = 256,
): Promise<string> {
  const child = await startKafkaTool(mainClass, args, heapMb);
  child.stdin.end();
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  if (code !== 0) throw new Error(`${mainClass} exited ${code}: ${err.slice(-1_000)}`);
  return out;
}

/**
 * The rows of a Kafka tool's table (`kafka-consumer-groups`, `kafka-share-groups`, `kafka-streams-groups`
 * `--describe`): each line after a header line starting with `GROUP`, as column name → cell ('-' for none).
 */
export function toolTable(out: string): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  let header: string[] | undefined;
  for (const line of out.split('\n')) {
    const cells = line.trim().split(/\s+/);
    if (cells[0] === 'GROUP') header = cells;
    else if (header !== undefined && cells.length === header.length)
      rows.push(Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
  }
  return rows;
}

/** A numeric cell of a Kafka tool's table: undefined for '-' or a missing column. */
export const cellValue = (cell: string | undefined): number | undefined =>
  cell === undefined || cell === '-' ? undefined : Number(cell);
