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
  /** The broker a per-broker target belongs to (its JMX exporter, its Jolokia agent): the `broker` tag. */
  broker?: string;
  /** Its own schedule, when it is not the collector's `schedule.interval` (ms). */
  intervalMs?: number;
  /** Its own deadline, when it is not the collector's `schedule.timeout` (ms). */
  timeoutMs?: number;
  /** Releases what the source keeps between collections (connections, background loops). */
  close?(): Promise<void>;
  collect(nowMs: number, signal: AbortSignal): Promise<Collected>;
}

/** The sources that read an exporter's answer, whose errors are its malformed lines or entries. */
const exported = new Set<Source['kind']>(['jmx', 'jolokia', 'host']);

/**
 * An exporter whose answer is mostly unusable is not up, though it answered: more malformed lines or failed
 * entries than usable samples (2 MB of binary garbage parsed to 12 samples and 8,248 errors). The samples it
 * did give are kept; the scrape says why it failed.
 */
function mostlyUnusable(got: Collected): string | undefined {
  if (got.errorCount === 0 || got.errorCount <= got.exposed) return undefined;
  const first = got.firstError === undefined ? '' : `; the first: ${got.firstError}`;
  return `mostly unusable: ${got.errorCount} malformed lines or failed entries against ${got.exposed} samples${first}`;
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
  const tags: Record<string, string> = {
    cluster: source.cluster,
    target: source.target,
    source: source.kind,
  };
  if (source.broker !== undefined) tags.broker = source.broker;
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
    const garbage = exported.has(source.kind) ? mostlyUnusable(got) : undefined;
    const fields = {
      up: garbage === undefined ? 1 : 0,
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
        ...(garbage === undefined
          ? got.firstError === undefined
            ? {}
            : { error: got.firstError }
          : { error: garbage }),
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
