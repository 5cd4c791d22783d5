import cron from 'node-cron';
import { cronExpression } from '../../model/src/schedule.ts';
import type { Logger } from 'pino';
import type { SelfMetrics } from './self-metrics.ts';
import { writeBatches } from './sink/batches.ts';
import type { WriteBatch } from './sink/batches.ts';
import type { SpoolState } from './sink/spool.ts';
import { runSource } from './source.ts';
import type { Source } from './source.ts';

/** Everything the running collector needs, assembled by its entry point. */
export interface CollectorService {
  sources: readonly Source[];
  /** Where a cluster's points go (its shard's writer, or the one InfluxDB's). */
  writeFor: (cluster: string) => WriteBatch;
  /** What the spools hold. */
  spoolState: () => SpoolState;
  metrics: SelfMetrics;
  log: Logger;
  intervalMs: number;
  timeoutMs: number;
  clock: () => number;
  /**
   * Fleet mode: whether this member holds a source's unit now (every source otherwise), and its name, written
   * in each scrape record's `collector` field.
   */
  fleet?: { owns(source: Source, sinceMs?: number): boolean; member: string };
}

/** The running collector. */
export interface RunningCollector {
  /** When the last tick finished every target it started (ms), or undefined before the first. */
  lastCompleteMs(): number | undefined;
  stop(): Promise<void>;
}

/**
 * Schedules every source on the interval. Each target is scraped independently: its samples are written as
 * soon as it answers, a slow target never holds back another, and a target whose previous scrape still runs
 * is skipped (and counted) rather than overlapped.
 */
export function startCollector(service: CollectorService): RunningCollector {
  const { sources, metrics, log } = service;
  const busy = new Set<Source>();
  let lastComplete: number | undefined;
  const running = new Set<Promise<void>>();

  const fleet = service.fleet;
  const scrape = async (source: Source, nowMs: number): Promise<void> => {
    const samples = await runSource(source, nowMs, source.timeoutMs ?? service.timeoutMs, service.clock);
    const labels = { cluster: source.cluster, target: source.target, source: source.kind };
    if (fleet !== undefined && !fleet.owns(source)) {
      // Its unit went to another member while it ran: that member collects it now; nothing is written twice.
      metrics.fenced.inc(labels);
      return;
    }
    const stamped =
      fleet === undefined
        ? samples
        : samples.map((s) =>
            s.measurement === 'scrape' ? { ...s, fields: { ...s.fields, collector: fleet.member } } : s,
          );
    const scrapeFields = stamped.find((s) => s.measurement === 'scrape')?.fields ?? {};
    log.debug({ ...labels, at: nowMs, up: scrapeFields.up }, 'scraped');
    metrics.up.set(labels, Number(scrapeFields.up ?? 0));
    metrics.duration.set(labels, Number(scrapeFields.duration_ms ?? 0) / 1_000);
    if (scrapeFields.up !== 1) log.warn({ ...labels, error: scrapeFields.error }, 'target down');
    const result = await writeBatches(stamped, service.writeFor(source.cluster));
    metrics.written.inc(result.written);
    metrics.spooled.inc(result.spooled);
    metrics.writeErrors.inc(result.errors.length);
    metrics.spoolPoints.set(service.spoolState().points);
    for (const error of result.errors) log.warn({ error }, 'write failed');
  };

  const tick = async (group: readonly Source[], main: boolean, every: number): Promise<void> => {
    const nowMs = service.clock();
    // The interval this tick collects (the schedules are aligned on the clock): a unit held only since after its
    // start waits for the next tick, since its previous holder may have collected this one.
    const intervalStart = nowMs - (nowMs % every);
    if (main) metrics.cycles.inc();
    const started: Promise<void>[] = [];
    for (const source of group) {
      if (fleet !== undefined && !fleet.owns(source, intervalStart)) continue;
      if (busy.has(source)) {
        metrics.skipped.inc({ cluster: source.cluster, target: source.target, source: source.kind });
        log.warn({ target: source.target }, 'previous scrape still running: skipped');
        continue;
      }
      busy.add(source);
      started.push(scrape(source, nowMs).finally(() => busy.delete(source)));
    }
    await Promise.allSettled(started);
    if (main) lastComplete = service.clock();
  };

  // One schedule per interval: the cycle's, and each source's own (the brokers' liveness, every 2 s).
  const groups = new Map<number, Source[]>([[service.intervalMs, []]]);
  for (const s of sources) {
    const every = s.intervalMs ?? service.intervalMs;
    groups.set(every, [...(groups.get(every) ?? []), s]);
  }
  const tasks = [...groups].map(([every, group]) =>
    cron.schedule(cronExpression(every), () => {
      const p = tick(group, every === service.intervalMs, every).catch((error: unknown) =>
        log.error({ error }, 'tick failed'),
      );
      running.add(p);
      void p.finally(() => running.delete(p));
    }),
  );
  return {
    lastCompleteMs: () => lastComplete,
    async stop() {
      for (const t of tasks) await t.stop();
      await Promise.allSettled([...running]);
    },
  };
}
