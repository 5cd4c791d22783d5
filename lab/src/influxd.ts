import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnDetached } from './process.ts';
import type { ProcessRecord } from './state.ts';

function hasInfluxd(): boolean {
  return spawnSync('influxd', ['version'], { stdio: 'ignore' }).status === 0;
}

/** Installs Debian's `influxdb` package when `influxd` is missing (the lab's only system dependency besides a JDK). */
export function ensureInfluxd(say: (line: string) => void): void {
  if (hasInfluxd()) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      'influxd is not installed; run: sudo apt-get install -y --no-install-recommends influxdb influxdb-client',
    );
  }
  say('influxd is missing: installing Debian package influxdb (apt-get) …');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', 'influxdb', 'influxdb-client'],
  ]) {
    const run = spawnSync('apt-get', args, { env, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed:\n${run.stderr}`);
  }
  if (!hasInfluxd()) throw new Error('apt-get installed influxdb but influxd is still not on PATH');
}

/** Writes an influxd config bound to loopback, data under `dir`, queries bounded so one bad query cannot eat the machine. */
export function writeInfluxConfig(
  dir: string,
  httpPort: number,
  rpcPort: number,
  options: { auth?: boolean } = {},
): string {
  for (const sub of ['meta', 'data', 'wal']) mkdirSync(join(dir, sub), { recursive: true });
  const path = join(dir, 'influxdb.conf');
  writeFileSync(
    path,
    `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${join(dir, 'meta')}"
[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false
[coordinator]
  query-timeout = "30s"
  max-select-buckets = 100000
  max-select-point = 50000000
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false
  auth-enabled = ${options.auth === true}
[logging]
  level = "warn"
`,
  );
  return path;
}

/** Starts influxd detached; the record's `log` collects its output. */
export function startInfluxd(dir: string, configPath: string): ProcessRecord {
  const command = 'influxd';
  const args = ['run', '-config', configPath];
  const log = join(dir, 'influxd.log');
  return { pid: spawnDetached(command, args, log, dir), command, args, log };
}

/** Waits until influxd answers /ping, or throws after `timeoutMs`. */
export async function waitInfluxReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/ping`);
      if (res.status === 204) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`influxd at ${url} did not answer /ping within ${timeoutMs} ms`);
}
