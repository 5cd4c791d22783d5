import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
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
  /** The figure the project aims at (README, issues) and whether this run reached it. */
  target?: { text: string; met: boolean };
  /** Further figures of the same run (request counts, memory, agreement). */
  details?: Record<string, unknown>;
}

/** A benchmark's aim: its words, and the test of one result against it. */
export interface Target {
  text: string;
  met: (r: { ours: number; peer: number; ratio: number }) => boolean;
}

/** Ours at most `limit` (in the result's unit). */
export const oursAtMost = (limit: number, text: string): Target => ({ text, met: (r) => r.ours <= limit });
/** Ours at least `limit`. */
export const oursAtLeast = (limit: number, text: string): Target => ({ text, met: (r) => r.ours >= limit });
/** The ratio ours / peer at most `limit`. */
export const ratioAtMost = (limit: number, text: string): Target => ({ text, met: (r) => r.ratio <= limit });
/** The ratio ours / peer at least `limit`. */
export const ratioAtLeast = (limit: number, text: string): Target => ({ text, met: (r) => r.ratio >= limit });

/** Median of a list of figures. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Builds a result with its ratio, and whether it met its target. */
export function result(fields: Omit<BenchResult, 'ratio' | 'target'> & { target?: Target }): BenchResult {
  const { target, ...rest } = fields;
  const ratio = Number((fields.ours / fields.peer).toFixed(3));
  const figures = { ours: fields.ours, peer: fields.peer, ratio };
  return {
    ...rest,
    ratio,
    ...(target === undefined ? {} : { target: { text: target.text, met: target.met(figures) } }),
  };
}

/** The closing table of a run: each result's target, ours, the peer's, the ratio, and whether the target was met. */
export function summaryTable(results: readonly BenchResult[]): string {
  const rows = results.map((r) => [
    r.name,
    r.target?.text ?? '(none: the ratio is the figure)',
    `${r.ours} ${r.unit}`,
    `${r.peer} ${r.unit} (${r.peerName.split(' (')[0] ?? r.peerName})`,
    String(r.ratio),
    r.target === undefined ? '-' : r.target.met ? 'met' : 'NOT MET',
  ]);
  const head = ['benchmark', 'target', 'ours', 'peer', 'ratio', 'target met'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Prints a result and writes `bench/results/NAME.json`. */
export function publish(res: BenchResult): void {
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  // The machine it ran on, so that another run knows what it compares with.
  const machine = {
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memory_gib: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
  writeFileSync(join(dir, `${res.name}.json`), `${JSON.stringify({ ...res, machine }, null, 2)}\n`);
  console.log(
    `${res.name}: ours ${res.ours} ${res.unit}, ${res.peerName} ${res.peer} ${res.unit}, ratio ${res.ratio} (${res.better} is better; ${res.runs} runs; ${res.input})`,
  );
}
