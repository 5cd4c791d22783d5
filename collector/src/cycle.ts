import type { Sample } from '../../model/src/sample.ts';
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
  writeFor: (cluster: string) => WriteBatch,
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
  // Each cluster's points to its storage (one InfluxDB, or the cluster's shard).
  const byWriter = new Map<WriteBatch, Sample[]>();
  results.forEach((samples, i) => {
    const write = writeFor((sources[i] as Source).cluster);
    byWriter.set(write, [...(byWriter.get(write) ?? []), ...samples]);
  });
  const outcomes = await Promise.all([...byWriter].map(([write, samples]) => writeBatches(samples, write)));
  const sum = (key: 'points' | 'written' | 'spooled'): number => outcomes.reduce((n, o) => n + o[key], 0);
  const writeErrors = outcomes.flatMap((o) => o.errors);
  return {
    timeMs: nowMs,
    durationMs: clock() - started,
    targets,
    points: sum('points'),
    written: sum('written'),
    spooled: sum('spooled'),
    writeErrors,
  };
}
