import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { afterEvaluation } from './after-evaluation.ts';
import { listenOn, serveApi } from './api/http.ts';
import { alerterView } from './api/view.ts';
import type { AlerterSetup } from './config.ts';
import { Engine, withOverrides } from './engine/engine.ts';
import type { EvaluationReport } from './engine/engine.ts';
import { startSchedule } from './engine/schedule.ts';
import { AlertEvents } from './events.ts';
import { Notifier } from './notifier.ts';
import { publicUrlOf } from './public-url.ts';
import { influxLineWriter, influxQueryPort } from './query/influx.ts';
import { collectorDataWatch, influxSource, rulesQueryPort } from './query/rules-port.ts';
import { createAlerterMetrics } from './self-metrics.ts';
import { NotifyStore } from './store/notify.ts';
import { AlertStore } from './store/sqlite.ts';
import { logReloads, TenantsSource } from './tenants-source.ts';
import { tenantThresholdNames } from '../../rules/src/tenant-thresholds.ts';

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

/**
 * The whole alerter: InfluxDB → rules → engine (durable state in SQLite) → after each evaluation, the
 * notification pipeline → API. Evaluates on the interval and as soon as the collector's newest data lands.
 */
export async function startAlerter(
  setup: AlerterSetup,
  log: Logger,
  clock = Date.now,
): Promise<RunningAlerter> {
  const { config } = setup;
  const server = await listenOn(config.listen);
  const publicUrl = publicUrlOf(config.public_url, server.address() as AddressInfo);
  const reader = influxQueryPort(influxSource(setup));
  mkdirSync(dirname(config.state.path), { recursive: true });
  const store = new AlertStore(config.state.path);
  const notifyStore = new NotifyStore(config.state.path);
  notifyStore.forgetBefore(clock() - 7 * 86_400_000);
  const tenants = new TenantsSource(
    config.tenants,
    setup.tenants,
    logReloads(log),
    tenantThresholdNames(setup.rules),
  );
  const metrics = createAlerterMetrics();
  const notifier: Notifier = new Notifier(setup, notifyStore, tenants, () => engine.alerts(), log, clock, {
    deliveryEvents: metrics.deliveryEvents,
    publicUrl,
  });
  metrics.watchBacklog(() => notifier.backlog(), clock);
  const rules = withOverrides(setup.rules, config.overrides);
  const engine: Engine = new Engine({
    rules,
    port: rulesQueryPort(setup, clock),
    state: store,
    thresholds: (labels, name) => tenants.current().threshold(labels, name),
    problems: () => [...tenants.problems(), ...notifier.problems()],
  });
  const events = new AlertEvents(influxLineWriter(influxSource(setup)), (labels) =>
    tenants.current().ownership.ownerOfLabels(labels),
  );
  const told = afterEvaluation({ engine, metrics, tenants, notifier, events, log, clock });
  let last: EvaluationReport | undefined;
  const schedule = startSchedule({
    intervalMs: config.evaluation.interval,
    newData: collectorDataWatch(reader),
    watchEveryMs: config.evaluation.watch_collector,
    clock,
    onError: (err) => log.error({ err }, 'evaluation failed'),
    evaluate: async (nowMs) => await told((last = await engine.evaluate(nowMs))),
  });
  // Between evaluations, the tenants catalog is looked at on the notify tick (reread when its file changed).
  const reloadTenants = setInterval(() => tenants.poll(), notifier.config.tick);
  const operatorToken = setup.secrets.operatorToken;
  const view = { engine, rules, notifier, notifyStore, tenants, metrics, reader, operatorToken, clock };
  serveApi(
    server,
    alerterView({
      ...view,
      publicUrl,
      evaluationIntervalMs: config.evaluation.interval,
      lastReport: () => last,
    }),
  );
  log.info(
    { rules: rules.length, listen: config.listen, publicUrl, state: config.state.path },
    'alerter started',
  );
  if (config.notify === undefined)
    log.warn('no notify section: alerts are evaluated and shown on the API and page, but nobody is told');
  if (operatorToken === undefined)
    log.warn({ listen: config.listen }, 'the API has no operator token: open to this machine');
  notifier.start();
  schedule.trigger();
  return {
    engine,
    notifier,
    server,
    trigger: () => schedule.trigger(),
    lastReport: () => last,
    async stop() {
      clearInterval(reloadTenants);
      await schedule.stop();
      await notifier.stop();
      await new Promise<void>((ok) => server.close(() => ok()));
      notifyStore.close();
      store.close();
    },
  };
}
