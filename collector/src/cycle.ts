import { writeBatches } from './sink/batches.ts';
import type { WriteBatch } from './sink/batches.ts';
import { runSource } from './source.ts';
import type { Source } from './source.ts';

/** What one cycle did, per target and in all: what `collect --once` prints. */
export interface CycleSummary {
  timeMs: number;
  durationMs: number;
  targets: {
    cluster: string;
    target: string;
    source: string;
    up: boolean;
    samples: number;
    kept: number;
    durationMs: number;
    error?: string;
  }[];
  points: number;
  written: number;
  spooled: number;
  writeErrors: string[];
}

/**
 * One collection cycle at `nowMs`: every source at once, each with its own deadline (a slow target never
 * delays the others), then the samples in batches (`writeBatches`).
 */
export async function collectOnce(
  sources: readonly Source[],
  write: WriteBatch,
  nowMs: number,
  timeoutMs: number,
  clock: () => number,
): Promise<CycleSummary> {
  const started = clock();
  const results = await Promise.all(sources.map((s) => runSource(s, nowMs, s.timeoutMs ?? timeoutMs, clock)));
  const targets = results.map((samples, i) => {
    const source = sources[i] as Source;
    const scrape = samples.find((s) => s.measurement === 'scrape')?.fields ?? {};
    const row = {
      cluster: source.cluster,
      target: source.target,
      source: source.kind,
      up: scrape.up === 1,
      samples: Number(scrape.samples ?? 0),
      kept: Number(scrape.kept ?? 0),
      durationMs: Math.round(Number(scrape.duration_ms ?? 0)),
    };
    return scrape.error === undefined ? row : { ...row, error: String(scrape.error) };
  });
  const { points, written, spooled, errors: writeErrors } = await writeBatches(results.flat(), write);
  return { timeMs: nowMs, durationMs: clock() - started, targets, points, written, spooled, writeErrors };
}
