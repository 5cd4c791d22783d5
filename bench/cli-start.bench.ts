import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMeasured } from './measured.ts';
import { median, oursAtMost, result } from './result.ts';
import type { BenchResult } from './result.ts';

const say = (line: string): void => console.log(`[cli-start] ${line}`);
const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 5;

/** An Alertmanager config of the same shape as our example's routing: a pager, the tenants' and operators' mail. */
const amConfig = `global:
  smtp_smarthost: smtp.example.com:587
  smtp_from: lookout@example.com
route:
  receiver: operators
  group_by: [alertname, cluster]
  routes:
    - matchers: ['audience="tenant"']
      receiver: tenants
      group_by: [tenant, alertname, cluster, group]
      group_wait: 30s
    - matchers: ['severity="page"']
      receiver: oncall
      group_wait: 5s
receivers:
  - name: oncall
    webhook_configs: [{ url: 'https://pager.example.com/hooks/kafka' }]
  - name: tenants
    email_configs: [{ to: 'payments-oncall@example.com' }]
  - name: operators
    email_configs: [{ to: 'kafka-ops@example.com' }]
`;

/**
 * Milliseconds from process start to exit, `RUNS` times (the first run before them, not counted, warms caches);
 * `before` runs ahead of each (not timed).
 */
async function times(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  before: () => void = () => undefined,
): Promise<number[]> {
  await runMeasured(command, args, { cwd: root, env });
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    before();
    out.push((await runMeasured(command, args, { cwd: root, env })).ms);
  }
  return out;
}

/** The built CLI's entry: removed, the next call builds the CLI again first (as after an install or an edit). */
const builtMain = join(root, 'dist', 'cli', 'main.js');

/**
 * How long the CLI takes to answer a short call, as a person at a terminal waits for it: `lookout --help` and
 * `lookout alert check-config` on the example config (the default pack and the example catalog with it), process
 * start to exit, against Alertmanager's own CLI, amtool (Go), on `--help` and `check-config` of an Alertmanager
 * config of the same routing. Ours warm (the CLI built as JavaScript in dist/cli/, as from the second call on)
 * and cold (the build first: esbuild bundles the TypeScript, as the first call after an install or an edit);
 * amtool has nothing to build. Medians of 5 runs each.
 */
export default async function bench(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-cli-start-'));
  try {
    const am = join(dir, 'alertmanager.yml');
    writeFileSync(am, amConfig);
    const lookout = [join(root, 'bin', 'lookout.mjs')];
    const calls = [
      { name: 'cli-start-help', ours: [...lookout, '--help'], peer: ['--help'], what: '--help', of: '' },
      {
        name: 'cli-start-check-config',
        ours: [...lookout, 'alert', 'check-config', 'alerter/examples/alerter.yaml'],
        peer: ['check-config', am],
        what: 'check-config',
        of: ' (an Alertmanager config of the same routing)',
      },
    ];
    const out: BenchResult[] = [];
    for (const c of calls) {
      const oursWarm = await times(process.execPath, c.ours, process.env);
      const oursCold = await times(process.execPath, c.ours, process.env, () =>
        rmSync(builtMain, { force: true }),
      );
      const peer = await times('amtool', c.peer, process.env);
      say(
        `${c.what}: ours warm ${oursWarm.join(', ')} ms; cold ${oursCold.join(', ')} ms; amtool ${peer.join(', ')} ms`,
      );
      out.push(
        result({
          name: c.name,
          target: oursAtMost(500, `${c.what} well under a second (≤ 500 ms, warm)`),
          unit: 'ms',
          ours: median(oursWarm),
          peer: median(peer),
          peerName: 'amtool (Alertmanager 0.25, Go)',
          better: 'lower',
          input: `lookout ${c.ours.slice(1).join(' ')} against amtool ${c.what}${c.of}; process start to exit; ${RUNS} runs each after one not counted`,
          runs: RUNS,
          details: {
            oursWarmMs: oursWarm,
            oursColdMs: oursCold,
            oursColdMedianMs: median(oursCold),
            peerMs: peer,
          },
        }),
      );
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
