import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { endProcess, processState, signalProcess, spawnDetached } from '../src/process.ts';

describe('lab processes, by pid', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-process-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('tells running, paused and gone apart, and ends a paused process', async () => {
    const pid = spawnDetached(
      process.execPath,
      ['-e', 'setTimeout(() => {}, 300_000)', dir],
      join(dir, 'child.log'),
      dir,
    );
    // Until the child has exec'd, its command line is still its parent's.
    for (let k = 0; k < 50 && processState(pid, dir) !== 'running'; k++)
      await new Promise((r) => setTimeout(r, 20));
    expect(processState(pid, dir)).toBe('running');
    signalProcess(pid, 'SIGSTOP', dir);
    await new Promise((r) => setTimeout(r, 100));
    expect(processState(pid, dir)).toBe('paused');
    await endProcess(pid, dir, 2_000);
    expect(processState(pid, dir)).toBe('gone');
  });

  it('never treats a pid whose command line lacks the lab marker as ours', () => {
    expect(processState(process.pid, 'no-such-lab-marker')).toBe('gone');
    expect(signalProcess(process.pid, 'SIGCONT', 'no-such-lab-marker')).toBe(false);
  });
});
