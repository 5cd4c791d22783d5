import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from './ports.ts';

/** A throwaway Alertmanager (Debian's prometheus-alertmanager) sending everything to one webhook. */
export interface RunningAlertmanager {
  url: string;
  stop(): Promise<void>;
}

/** The root route's grouping and timers; a field left out is left out of the config (Alertmanager's default). */
export interface AlertmanagerRoute {
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
}

/**
 * Starts Alertmanager with gossip off, routing every alert to `webhookUrl`: by default grouped by every label
 * (one notification per alert) with no group_wait; `route` as given otherwise (`{}`: Alertmanager's defaults,
 * one group, group_wait 30 s, group_interval 5 m). Resolves once it answers /-/ready.
 */
export async function startAlertmanager(
  webhookUrl: string,
  route: AlertmanagerRoute = {
    group_by: ['...'],
    group_wait: '0s',
    group_interval: '1m',
    repeat_interval: '4h',
  },
): Promise<RunningAlertmanager> {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-am-'));
  const [port] = await freePorts(1);
  const config = join(dir, 'alertmanager.yml');
  writeFileSync(
    config,
    [
      'route:',
      '  receiver: hook',
      ...Object.entries(route).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`),
      'receivers:',
      '  - name: hook',
      '    webhook_configs:',
      `      - url: ${JSON.stringify(webhookUrl)}`,
      '        send_resolved: true',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    'prometheus-alertmanager',
    [
      `--config.file=${config}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (c: Buffer) => (log = (log + c.toString()).slice(-4_000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`alertmanager exited: ${log}`);
    const ok = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`alertmanager not ready after 20 s: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        const gone = new Promise((ok) => child.once('exit', ok));
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
