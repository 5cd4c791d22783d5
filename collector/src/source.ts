import type { Sample } from '../../model/src/sample.ts';

/** What a source saw in one collection, besides its samples. */
export interface Collected {
  samples: Sample[];
  /** Samples or entries the target exposed (before the catalog filter). */
  exposed: number;
  /** Malformed lines or failed entries: the target answered, but not all of it was usable. */
  errorCount: number;
  /** The first of those errors, for the scrape record. */
  firstError?: string;
  /** What the source read differently from asked on this target (e.g. an older request), for the scrape record. */
  note?: string;
}

/** One target of one kind: `collect(nowMs)` reads it once. It may throw; `runSource` turns that into `up` 0. */
export interface Source {
  cluster: string;
  /** What is scraped, as it appears in the `scrape` measurement's `target` tag (no credentials). */
  target: string;
  kind: 'jmx' | 'jolokia' | 'admin' | 'disk' | 'lag' | 'probe' | 'liveness' | 'host';
  /** Its own schedule, when it is not the collector's `schedule.interval` (ms). */
  intervalMs?: number;
  /** Its own deadline, when it is not the collector's `schedule.timeout` (ms). */
  timeoutMs?: number;
  /** Releases what the source keeps between collections (connections, background loops). */
  close?(): Promise<void>;
  collect(nowMs: number, signal: AbortSignal): Promise<Collected>;
}

/**
 * Runs one collection with a deadline and returns its samples plus the `scrape` sample (up, duration,
 * samples, kept, errors). Never throws: a failed or slow target is a scrape with up 0.
 */
export async function runSource(
  source: Source,
  nowMs: number,
  timeoutMs: number,
  clock: () => number,
): Promise<Sample[]> {
  const started = clock();
  const tags = { cluster: source.cluster, target: source.target, source: source.kind };
  let timer: NodeJS.Timeout | undefined;
  const controller = new AbortController();
  try {
    const deadline = new Promise<never>((_, fail) => {
      timer = setTimeout(() => {
        controller.abort();
        fail(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    const got = await Promise.race([source.collect(nowMs, controller.signal), deadline]);
    const kept = got.samples.reduce((n, s) => n + Object.keys(s.fields).length, 0);
    const fields = {
      up: 1,
      duration_ms: clock() - started,
      samples: got.exposed,
      kept,
      errors: got.errorCount,
    };
    const scrape: Sample = {
      measurement: 'scrape',
      tags,
      fields: {
        ...fields,
        ...(got.firstError === undefined ? {} : { error: got.firstError }),
        ...(got.note === undefined ? {} : { note: got.note }),
      },
      timeMs: nowMs,
    };
    return [...got.samples, scrape];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const fields = { up: 0, duration_ms: clock() - started, samples: 0, kept: 0, errors: 1, error: message };
    return [{ measurement: 'scrape', tags, fields, timeMs: nowMs }];
  } finally {
    clearTimeout(timer);
  }
}
