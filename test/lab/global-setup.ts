import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { stopLab } from '../../lab/src/control.ts';
import { readState } from '../../lab/src/state.ts';
import type { LabState } from '../../lab/src/state.ts';
import { startLab } from '../../lab/src/up.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    lab: LabState;
  }
}

/** Starts the run's shared lab in a fresh temp dir (never the shell's lab) and stops it after the last file. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-test-lab-'));
  const say = (line: string): void => console.error(`[lab] ${line}`);
  const started = Date.now();
  const lab = await startLab({ dir, brokers: 3, say });
  say(`3 brokers + influxd ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${dir})`);
  project.provide('lab', lab);
  return async () => {
    // Re-read the state: a drill that restarted a broker changed its pid.
    await stopLab(readState(dir) ?? lab, say);
    rmSync(dir, { recursive: true, force: true });
  };
}
