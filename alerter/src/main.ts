import { readTenantGroups } from './tenant-groups.ts';
import type { TrackedAlert } from '../../rules/src/alert.ts';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { serveApi } from './api/http.ts';
import type { AlerterSetup } from './config.ts';
import { Engine, withOverrides } from './engine/engine.ts';
import type { EvaluationReport } from './engine/engine.ts';
import { startSchedule } from './engine/schedule.ts';
import { influxLineWriter, influxQueryPort, influxRawReader } from './query/influx.ts';
import { AlertEvents } from './events.ts';
import type { InfluxSource } from './query/influx.ts';
import { windowCachePort } from './query/window-cache.ts';
import type { CacheStats } from './query/window-cache.ts';
import type { QueryPort } from '../../rules/src/query.ts';
import { createAlerterMetrics } from './self-metrics.ts';
import { AlertStore } from './store/sqlite.ts';
import { NotifyStore } from './store/notify.ts';
import { Notifier } from './notifier.ts';
import { TenantsSource, tokenHash } from './tenants-source.ts';
import { callerOf } from './api/auth.ts';

/** A running alerter. */
export interface RunningAlerter {
  engine: Engine;
  notifier: Notifier;
  server: Server;
  /** Evaluates now (after the current evaluation, if one runs). */
  trigger(): void;
  /** What the last evaluation did, if one ran. */
  lastReport(): EvaluationReport | undefined;
  stop(): Promise<void>;
}

/** Where the alerter reads, with the password its config names. */
function influxSource(setup: AlerterSetup): InfluxSource {
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
export function storePort(
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
 * The whole alerter: InfluxDB → rules → engine (durable state in SQLite) → API. Evaluates on the interval and
 * as soon as the collector's newest data lands.
 */
export async function startAlerter(
  setup: AlerterSetup,
  log: Logger,
  clock = Date.now,
): Promise<RunningAlerter> {
  const { config } = setup;
  const port = storePort(setup, clock);
  const marker = influxQueryPort(influxSource(setup));
  mkdirSync(dirname(config.state.path), { recursive: true });
  const store = new AlertStore(config.state.path);
  const notifyStore = new NotifyStore(config.state.path);
  notifyStore.prune(clock() - 7 * 86_400_000);
  notifyStore.pruneSilences(clock() - 7 * 86_400_000);
  const tenants = new TenantsSource(config.tenants, setup.tenants, (r) => {
    if (r.ok) log.info({ tenants: r.tenants }, 'tenants catalog reloaded');
    else log.error({ error: r.error }, 'tenants catalog invalid: the last good one stays in force');
  });
  const rules = withOverrides(setup.rules, config.overrides);
  const notify: Notifier = new Notifier(
    setup,
    notifyStore,
    tenants,
    (): TrackedAlert[] => engine.alerts(),
    log,
    clock,
  );
  const engine: Engine = new Engine(
    rules,
    port,
    store,
    (labels, name) => tenants.current().threshold(labels, name),
    undefined,
    () => [...tenants.problems(), ...notify.problems()],
  );
  const events = new AlertEvents(influxLineWriter(influxSource(setup)), (labels) =>
    tenants.current().ownership.ownerOfLabels(labels),
  );
  const metrics = createAlerterMetrics();
  let last: EvaluationReport | undefined;
  const schedule = startSchedule({
    intervalMs: config.evaluation.interval,
    // The collector's cycles, and a broker's liveness whenever it is not plainly up (crashed, hung, restarting
    // or just changed): those points come every 2 s and are evaluated at once, the steady ones are not.
    latestDataMs: async () => {
      const [cycle, liveness] = await Promise.all([
        marker.latestMs('scrape', 'duration_ms', `"source" != 'liveness'`),
        marker.latestMs('broker_status', 'attention', '"attention" = 1'),
      ]);
      const times = [cycle, liveness].filter((t): t is number => t !== undefined);
      return times.length === 0 ? undefined : Math.max(...times);
    },
    watchEveryMs: config.evaluation.watch_collector,
    clock,
    onError: (err) => log.error({ err }, 'evaluation failed'),
    evaluate: async (nowMs) => {
      const report = await engine.evaluate(nowMs);
      last = report;
      metrics.observe(report, engine.alerts());
      if (report.storeError !== undefined) log.error({ error: report.storeError }, 'store unreachable');
      for (const t of report.transitions)
        log.info({ rule: t.rule, fingerprint: t.fingerprint, from: t.from, to: t.to }, 'alert');
      notify.dispatch(clock());
      events.record(report.transitions, engine.alerts(), report.atMs);
      await events
        .flush()
        .catch((err: unknown) =>
          log.warn(
            { error: (err as Error).message, waiting: events.backlog() },
            'alert events not written yet',
          ),
        );
    },
  });
  const operatorToken = setup.secrets.operatorToken;
  const server = await serveApi(config.listen, {
    alerts: () => engine.alerts(),
    rules: () => engine.ruleStatus(),
    registry: metrics.registry,
    caller: (header) => callerOf(header, operatorToken, tenants.current().tokens, tokenHash),
    ownerOf: (labels) => tenants.current().ownership.ownerOfLabels(labels),
    forTenant: (alert, tenant) => tenants.current().ownership.forTenant(alert, tenant),
    tenants: () => tenants.current().ownership.tenants(),
    groups: (tenant) =>
      readTenantGroups(
        marker,
        clock(),
        (labels) => tenants.current().ownership.ownerOfLabels(labels),
        tenant,
      ),
    muted: () => notify.muted(),
    silences: () => notify.silences(),
    addSilence: (input) => notify.addSilence(input),
    expireSilence: (id, by) => notify.expireSilence(id, by),
    notifications: (limit) => notifyStore.outbox(limit),
    now: clock,
    health: () => {
      if (last === undefined) return { healthy: false, reason: 'no evaluation yet' };
      const stale = clock() - last.atMs > 3 * config.evaluation.interval;
      const reason = stale ? 'evaluations stopped' : last.storeError;
      return {
        healthy: reason === undefined,
        lastEvaluationMs: last.atMs,
        ...(reason === undefined ? {} : { reason }),
      };
    },
  });
  log.info({ rules: rules.length, listen: config.listen, state: config.state.path }, 'alerter started');
  if (operatorToken === undefined)
    log.warn({ listen: config.listen }, 'the API has no operator token: open to this machine');
  notify.start();
  schedule.trigger();
  return {
    engine,
    notifier: notify,
    server,
    trigger: () => schedule.trigger(),
    lastReport: () => last,
    async stop() {
      await schedule.stop();
      await notify.stop();
      await new Promise<void>((ok) => server.close(() => ok()));
      notifyStore.close();
      store.close();
    },
  };
}
