import type { QueryPort } from '../../../rules/src/query.ts';
import type { AlerterSetup } from '../config.ts';
import { influxQueryPort, influxRawReader } from './influx.ts';
import type { InfluxSource } from './influx.ts';
import { windowCachePort } from './window-cache.ts';
import type { CacheStats } from './window-cache.ts';

/** Where the alerter reads, with the password its config names. */
export function influxSource(setup: AlerterSetup): InfluxSource {
  const { influx } = setup.config;
  return {
    url: influx.url,
    database: influx.database,
    timeoutMs: influx.timeout,
    ...(influx.username === undefined ? {} : { username: influx.username, password: setup.password ?? '' }),
  };
}

/**
 * The query port rules are evaluated through: the window cache fed by raw reads (default), or each compiled
 * InfluxQL query sent as it is (`evaluation.window_cache: false`).
 */
export function rulesQueryPort(
  setup: AlerterSetup,
  clock: () => number = Date.now,
): QueryPort & { stats?: () => CacheStats } {
  const source = influxSource(setup);
  const { evaluation } = setup.config;
  if (!evaluation.window_cache) return influxQueryPort(source);
  return windowCachePort(influxRawReader(source), {
    overlapMs: Math.max(30_000, 2 * evaluation.interval),
    refreshEveryMs: 15 * 60_000,
    clock,
  });
}

/**
 * The newest data that warrants an evaluation at once: the collector's cycles, and a broker's liveness whenever
 * it is not plainly up (crashed, hung, restarting or just changed): those points come every 2 s and are
 * evaluated at once, the steady ones are not. Undefined before any.
 */
export async function evaluationWorthyDataMs(
  reader: Pick<ReturnType<typeof influxQueryPort>, 'latestMs'>,
): Promise<number | undefined> {
  const times = await Promise.all([
    reader.latestMs('scrape', 'duration_ms', `"source" != 'liveness'`),
    reader.latestMs('broker_status', 'attention', '"attention" = 1'),
  ]);
  const known = times.filter((t): t is number => t !== undefined);
  return known.length === 0 ? undefined : Math.max(...known);
}
