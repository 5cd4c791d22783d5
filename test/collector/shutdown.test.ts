import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { controlBroker, controlInflux } from '../../lab/src/control.ts';
import { processState } from '../../lab/src/process.ts';
import {
  currentLab,
  deleteProbeTopic,
  sleep,
  uniqueName,
  until,
  waitForEveryPartitionInSync,
} from '../lab/lab.ts';

// Every long-running command stops within 10 s of SIGTERM (docker stop's grace) in the states the drills reach:
// a broker dead, a broker hung (its JMX agent hangs with it), InfluxDB away. The commands run as users run them.
const bin = join(import.meta.dirname, '..', '..', 'bin', 'lookout.mjs');

interface Running {
  child: ChildProcess;
  output: () => string;
}

function run(args: string[]): Running {
  let output = '';
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8_000)));
  return { child, output: () => output };
}

/** Sends SIGTERM and resolves with the ms until the process exited and its exit code. */
async function terminate(r: Running): Promise<{ ms: number; code: number | null }> {
  const sent = Date.now();
  const exited = new Promise<number | null>((ok) => r.child.once('exit', (code) => ok(code)));
  r.child.kill('SIGTERM');
  const code = await Promise.race([exited, sleep(30_000).then(() => 'hung' as const)]);
  if (code === 'hung') {
    r.child.kill('SIGKILL');
    throw new Error(`still running 30 s after SIGTERM:\n${r.output()}`);
  }
  return { ms: Date.now() - sent, code };
}

describe('stopping within 10 s of SIGTERM (real lab)', () => {
  const lab = currentLab();
  const database = uniqueName('shutdown').replaceAll('-', '_');
  const collect = () => run(['collect', '--lab', '--lab-dir', lab.dir, '--database', database]);
  const running = (r: Running, what: RegExp) =>
    until(`${what.source} in the output`, 60_000, () => {
      if (r.child.exitCode !== null) throw new Error(`exited early:\n${r.output()}`);
      return what.test(r.output()) ? true : undefined;
    });

  afterAll(async () => {
    const now = currentLab();
    if (processState(now.influx.pid, lab.dir) === 'gone') await controlInflux(lab.dir, 'start');
    for (const b of now.brokers) {
      const st = processState(b.pid, lab.dir);
      if (st === 'paused') await controlBroker(lab.dir, b.id, 'resume');
      if (st === 'gone') await controlBroker(lab.dir, b.id, 'start');
    }
    await waitForEveryPartitionInSync(90_000);
    await deleteProbeTopic();
  });

  it('the collector, with a broker killed under it', { timeout: 180_000 }, async () => {
    const c = collect();
    await running(c, /collector running/);
    await controlBroker(lab.dir, 3, 'kill');
    await sleep(20_000); // cycles against the dead broker: kafkajs reconnecting, the probe's partition offline
    const { ms, code } = await terminate(c);
    console.log(`collector, broker 3 dead: exited ${ms} ms after SIGTERM (code ${code})`);
    expect(ms).toBeLessThanOrEqual(10_000);
    expect(c.output()).toMatch(/collector stopped|exiting anyway/);
    await controlBroker(lab.dir, 3, 'start');
  });

  it(
    'the collector and the alerter, with a broker hung and InfluxDB away',
    { timeout: 180_000 },
    async () => {
      const c = collect();
      const a = run(['alert', '--lab', '--lab-dir', lab.dir]);
      await running(c, /collector running/);
      await running(a, /alerter: \d+ rules/);
      await controlBroker(lab.dir, 2, 'pause');
      await controlInflux(lab.dir, 'stop');
      await sleep(20_000); // scrapes of the hung broker run into their deadline; writes go to the spool
      const [collector, alerter] = await Promise.all([terminate(c), terminate(a)]);
      console.log(
        `broker 2 hung, InfluxDB away: the collector exited ${collector.ms} ms after SIGTERM (code ${collector.code}), the alerter ${alerter.ms} ms (code ${alerter.code})`,
      );
      expect(collector.ms).toBeLessThanOrEqual(10_000);
      expect(alerter.ms).toBeLessThanOrEqual(10_000);
      await controlBroker(lab.dir, 2, 'resume');
      await controlInflux(lab.dir, 'start');
    },
  );
});
