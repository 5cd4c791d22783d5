import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKafkaTool } from '../lab/src/kafka-tools.ts';
import type { LabState } from '../lab/src/state.ts';
import { bootstrapOf } from '../lab/src/state.ts';
import { groupName, protocolOf, seedShape, topicName } from './lag-seed.ts';

const app = fileURLToPath(new URL('./LagBenchMembers.java', import.meta.url));

/**
 * Starts one live Java consumer in every seeded group (`LagBenchMembers.java`, the lab's Kafka client, its
 * group's protocol: classic or the new consumer protocol), waits until every member holds its partitions and
 * returns the function that makes them leave. Progress goes to `say`.
 */
export async function startLagMembers(
  lab: LabState,
  say: (line: string) => void,
  timeoutMs = 15 * 60_000,
): Promise<() => Promise<void>> {
  const spec = join(mkdtempSync(join(tmpdir(), 'lookout-members-')), 'members.txt');
  writeFileSync(
    spec,
    Array.from(
      { length: seedShape.groups },
      (_, g) => `${groupName(g)} ${protocolOf(g)} ${topicName(g % seedShape.topics)}\n`,
    ).join(''),
  );
  const child = await startKafkaTool(app, [bootstrapOf(lab).join(','), spec], 3_072);
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err = (err + c.toString('utf8')).slice(-4_000)));
  const closed = new Promise<number | null>((done) => child.on('close', done));
  const stop = async (): Promise<void> => {
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    await closed;
    clearTimeout(timer);
  };
  try {
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`members not all assigned after ${timeoutMs / 1000} s: ${err}`)),
        timeoutMs,
      );
      let buffered = '';
      child.stdout.on('data', (c: Buffer) => {
        buffered += c.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          if (line.startsWith('ASSIGNED')) say(`members ${line.slice('ASSIGNED '.length)} assigned`);
          if (line === 'READY') {
            clearTimeout(timer);
            ready();
          }
        }
      });
      void closed.then((code) => {
        clearTimeout(timer);
        fail(new Error(`LagBenchMembers exited ${code}: ${err}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}
