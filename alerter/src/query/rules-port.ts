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

/** What the collector had stored at one look: its newest cycle, how many of that cycle's targets had landed, liveness. */
interface DataMark {
  cycleMs?: number;
  landed: number;
  attentionMs?: number;
}

/**
 * A watch over the data that warrants an evaluation at once: each call says whether some landed since the call
 * before (the first only looks). That is a new collector cycle, and each further target of it as it lands: the
 * collector writes each target's points as soon as it answers, so the cycle's first answer (a JMX exporter's) is
 * no sign that its consumer groups are stored — a cycle read at its first answer alone would wait for the next
 * tick to be read whole. And a broker's liveness whenever it is not plainly up (crashed, hung, restarting or just
 * changed): those points come every 2 s and are evaluated at once, the steady ones are not.
 */
export function collectorDataWatch(
  reader: Pick<ReturnType<typeof influxQueryPort>, 'latestMs' | 'countAt'>,
): () => Promise<boolean> {
  const cycles = `"source" != 'liveness'`;
  let seen: DataMark | undefined;
  return async () => {
    const [cycleMs, attentionMs] = await Promise.all([
      reader.latestMs('scrape', 'duration_ms', cycles),
      reader.latestMs('broker_status', 'attention', '"attention" = 1'),
    ]);
    const landed = cycleMs === undefined ? 0 : await reader.countAt('scrape', 'duration_ms', cycleMs, cycles);
    const mark: DataMark = {
      landed,
      ...(cycleMs === undefined ? {} : { cycleMs }),
      ...(attentionMs === undefined ? {} : { attentionMs }),
    };
    const before = seen;
    seen = mark;
    return before !== undefined && advanced(before, mark);
  };
}

/** Whether `next` shows data that `prev` did not: a newer cycle, more of the same cycle, newer liveness news. */
function advanced(prev: DataMark, next: DataMark): boolean {
  const newer = (a: number | undefined, b: number | undefined): boolean =>
    b !== undefined && (a === undefined || b > a);
  return (
    newer(prev.cycleMs, next.cycleMs) ||
    (next.cycleMs === prev.cycleMs && next.landed > prev.landed) ||
    newer(prev.attentionMs, next.attentionMs)
  );
}
