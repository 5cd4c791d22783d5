import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/** What a measured process printed, how long it ran and its peak resident memory. */
export interface Measured {
  out: string;
  ms: number;
  maxRssMiB: number;
}

const TIME = '/usr/bin/time';

/**
 * Runs a command to its end under GNU time (Debian's `time` package), for its peak RSS as the kernel counts it.
 * Throws with the command's exit code and the end of its stderr.
 */
export async function runMeasured(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Measured> {
  if (!existsSync(TIME)) throw new Error(`${TIME} is missing: install Debian's 'time' package`);
  const started = Date.now();
  const child = spawn(TIME, ['-f', 'MAXRSS_KIB %M', command, ...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  const ms = Date.now() - started;
  if (code !== 0) throw new Error(`${command} exited ${code}: ${err.slice(-2_000)}`);
  const kib = [...err.matchAll(/MAXRSS_KIB (\d+)/g)].at(-1)?.[1];
  if (kib === undefined) throw new Error(`${TIME} printed no peak RSS for ${command}`);
  return { out, ms, maxRssMiB: Math.round(Number(kib) / 1024) };
}
