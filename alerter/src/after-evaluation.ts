import type { Logger } from 'pino';
import type { Engine, EvaluationReport } from './engine/engine.ts';
import type { AlertEvents } from './events.ts';
import type { Notifier } from './notifier.ts';
import type { AlerterMetrics } from './self-metrics.ts';
import type { TenantsSource } from './tenants-source.ts';

/** The parts told after each evaluation. */
export interface AfterEvaluationParts {
  engine: Engine;
  metrics: AlerterMetrics;
  tenants: TenantsSource;
  notifier: Notifier;
  events: AlertEvents;
  log: Logger;
  clock: () => number;
}

/**
 * What follows each evaluation, in order: its metrics and log lines; the tenants catalog looked at (reread in
 * a child when its file changed: the dispatch uses the catalog in force); a dispatch of the alerts to the
 * notification pipeline; the transitions written to InfluxDB as alert events (kept and retried if it is away).
 */
export function afterEvaluation(p: AfterEvaluationParts): (report: EvaluationReport) => Promise<void> {
  const { engine, log } = p;
  return async (report) => {
    p.metrics.observe(report, engine.alerts());
    if (report.storeError !== undefined) log.error({ error: report.storeError }, 'store unreachable');
    for (const t of report.transitions)
      log.info({ rule: t.rule, fingerprint: t.fingerprint, from: t.from, to: t.to }, 'alert');
    p.tenants.poll();
    p.notifier.dispatch(p.clock());
    p.events.record(report.transitions, engine.alerts(), report.atMs);
    await p.events
      .flush()
      .catch((err: unknown) =>
        log.warn(
          { error: (err as Error).message, waiting: p.events.backlog() },
          'alert events not written yet',
        ),
      );
  };
}
