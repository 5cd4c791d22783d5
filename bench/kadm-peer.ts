import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMeasured } from './measured.ts';
import type { LabState } from '../lab/src/state.ts';
import { bootstrapOf } from '../lab/src/state.ts';

const source = fileURLToPath(new URL('./kadm-lag/', import.meta.url));

/** One run of the Go peer: its own time from client creation to every group's lag, its peak RSS, each group. */
export interface KadmRun {
  ms: number;
  maxRssMiB: number;
  groups: Map<string, { type: string; state: string; members: number; lag: number }>;
}

/**
 * Builds the consumer-lag benchmark's Go peer (`bench/kadm-lag`, franz-go's kadm; the modules come from the Go
 * module proxy on the first build) and returns a function that runs it once against the lab.
 */
export async function buildKadmPeer(
  say: (line: string) => void,
): Promise<(lab: LabState) => Promise<KadmRun>> {
  const binary = join(mkdtempSync(join(tmpdir(), 'lookout-kadm-')), 'kadm-lag');
  say('building the Go peer (bench/kadm-lag, franz-go kadm)');
  await runMeasured('go', ['build', '-o', binary, '.'], { cwd: source }).catch((err: unknown) => {
    throw new Error(
      `building bench/kadm-lag needs Go 1.26 and the Go module proxy: ${(err as Error).message}`,
    );
  });
  return async (lab) => {
    const run = await runMeasured(binary, [bootstrapOf(lab).join(',')]);
    const groups: KadmRun['groups'] = new Map();
    let ms: number | undefined;
    for (const line of run.out.split('\n')) {
      const cells = line.trim().split(' ');
      if (cells[0] === 'ELAPSED_MS') ms = Number(cells[1]);
      else if (cells.length === 5) {
        const [group = '', type = '', state = '', members, lag] = cells;
        groups.set(group, { type, state, members: Number(members), lag: Number(lag) });
      }
    }
    if (ms === undefined) throw new Error(`kadm-lag printed no ELAPSED_MS:\n${run.out.slice(-1_000)}`);
    return { ms, maxRssMiB: run.maxRssMiB, groups };
  };
}
