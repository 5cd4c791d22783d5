import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EvaluationReport } from './engine/engine.ts';

/** The alerter's own health, served at /metrics. */
export interface AlerterMetrics {
  registry: Registry;
  /** Records one evaluation. */
  observe(report: EvaluationReport, alerts: readonly { phase: string }[]): void;
}

/** A fresh registry with the alerter's metrics. */
export function createAlerterMetrics(): AlerterMetrics {
  const registry = new Registry();
  const evaluations = new Counter({
    name: 'lookout_alerter_evaluations_total',
    help: 'Evaluations of the whole rule set.',
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'lookout_alerter_evaluation_seconds',
    help: 'Time to query and decide every rule once.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [registry],
  });
  const persist = new Histogram({
    name: 'lookout_alerter_persist_seconds',
    help: "Time to write one evaluation's changes to the state database.",
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5],
    registers: [registry],
  });
  const failures = new Counter({
    name: 'lookout_alerter_rule_failures_total',
    help: 'Rule evaluations that failed.',
    registers: [registry],
  });
  const storeDown = new Counter({
    name: 'lookout_alerter_store_unreachable_total',
    help: 'Evaluations that could not reach InfluxDB.',
    registers: [registry],
  });
  const transitions = new Counter({
    name: 'lookout_alerter_transitions_total',
    help: 'Alert phase changes.',
    labelNames: ['to'],
    registers: [registry],
  });
  const alerts = new Gauge({
    name: 'lookout_alerter_alerts',
    help: 'Tracked alerts by phase.',
    labelNames: ['phase'],
    registers: [registry],
  });
  return {
    registry,
    observe(report, tracked) {
      evaluations.inc();
      duration.observe(report.durationMs / 1_000);
      persist.observe(report.persistMs / 1_000);
      failures.inc(report.failed);
      if (report.storeError !== undefined) storeDown.inc();
      for (const t of report.transitions) transitions.inc({ to: t.to });
      for (const phase of ['pending', 'firing', 'resolved'])
        alerts.set({ phase }, tracked.filter((a) => a.phase === phase).length);
    },
  };
}
