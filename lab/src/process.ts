import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** What the kernel says of a lab process: running, stopped by SIGSTOP, or gone (exited or a zombie). */
export type ProcessState = 'running' | 'paused' | 'gone';

/**
 * Starts a process that outlives its parent (its own session, output appended to `logFile`),
 * so `lookout lab up` can return while the cluster keeps running.
 */
export function spawnDetached(
  command: string,
  args: readonly string[],
  logFile: string,
  cwd: string,
): number {
  const out = openSync(logFile, 'a');
  try {
    const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', out, out] });
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    child.unref();
    return child.pid;
  } finally {
    closeSync(out);
  }
}

/** Reads a process's state from /proc; a pid whose command line lacks `marker` is not ours and counts as gone. */
export function processState(pid: number, marker: string): ProcessState {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmdline.includes(marker)) return 'gone';
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return 'gone';
    return state === 'T' || state === 't' ? 'paused' : 'running';
  } catch {
    return 'gone';
  }
}

/** Resident memory of a process in bytes (VmRSS), or 0 when it is gone. */
export function residentBytes(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? 0 : Number(match[1]) * 1024;
  } catch {
    return 0;
  }
}

/** Sends a signal to one of our processes (checked by `marker`); false when it is not running. */
export function signalProcess(pid: number, signal: NodeJS.Signals, marker: string): boolean {
  if (processState(pid, marker) === 'gone') return false;
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Waits until the process is gone; true if it went within `timeoutMs`. */
export async function waitGone(pid: number, marker: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (processState(pid, marker) === 'gone') return true;
    await sleep(100);
  }
  return processState(pid, marker) === 'gone';
}

/**
 * Ends one of our processes: resumes it if paused (a stopped JVM ignores SIGTERM), SIGTERM,
 * then SIGKILL after `graceMs`. Resolves once it is gone.
 */
export async function endProcess(pid: number, marker: string, graceMs: number): Promise<void> {
  signalProcess(pid, 'SIGCONT', marker);
  if (!signalProcess(pid, 'SIGTERM', marker)) return;
  if (await waitGone(pid, marker, graceMs)) return;
  signalProcess(pid, 'SIGKILL', marker);
  await waitGone(pid, marker, 5_000);
}
