import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One benchmark's figures: ours and the peer's, measured in the same run on the same input. */
export interface BenchResult {
  name: string;
  unit: string;
  ours: number;
  peer: number;
  peerName: string;
  /** ours / peer. */
  ratio: number;
  better: 'lower' | 'higher';
  input: string;
  runs: number;
  /** Further figures of the same run (request counts, memory, agreement). */
  details?: Record<string, unknown>;
}

/** Median of a list of figures. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Builds a result with its ratio. */
export function result(fields: Omit<BenchResult, 'ratio'>): BenchResult {
  return { ...fields, ratio: Number((fields.ours / fields.peer).toFixed(3)) };
}

/** Prints a result and writes `bench/results/NAME.json`. */
export function publish(res: BenchResult): void {
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${res.name}.json`), `${JSON.stringify(res, null, 2)}\n`);
  console.log(
    `${res.name}: ours ${res.ours} ${res.unit}, ${res.peerName} ${res.peer} ${res.unit}, ratio ${res.ratio} (${res.better} is better; ${res.runs} runs; ${res.input})`,
  );
}
