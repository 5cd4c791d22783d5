import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EvaluationReport } from './engine/engine.ts';
import type { DeliveryEvents } from './notify/delivery.ts';

/** Per receiver, the notifications waiting to be delivered and when the oldest was made. */
type Backlog = () => readonly { receiver: string; queued: number; oldestCreatedAtMs: number }[];

/** The alerter's own health, served at /metrics. */
export interface AlerterMetrics {
  registry: Registry;
  /** Records one evaluation. */
  observe(report: EvaluationReport, alerts: readonly { phase: string }[]): void;
  /** Counts each notification delivered, retried and given up, by receiver (as Alertmanager's own counters). */
  deliveryEvents: DeliveryEvents;
  /** Reads the outbox's backlog at each scrape: queued per receiver, and the oldest's age. */
  watchBacklog(backlog: Backlog, clock: () => number): void;
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
  const sent = new Counter({
    name: 'lookout_alerter_notifications_sent_total',
    help: 'Notifications a receiver accepted.',
    labelNames: ['receiver'],
    registers: [registry],
  });
  const retried = new Counter({
    name: 'lookout_alerter_notifications_retried_total',
    help: 'Delivery attempts that failed and will be tried again.',
    labelNames: ['receiver'],
    registers: [registry],
  });
  const failed = new Counter({
    name: 'lookout_alerter_notifications_failed_total',
    help: 'Notifications given up (the receiver refused them for good).',
    labelNames: ['receiver'],
    registers: [registry],
  });
  let backlog: Backlog = () => [];
  let clock: () => number = Date.now;
  const queued = new Gauge({
    name: 'lookout_alerter_notifications_queued',
    help: 'Notifications waiting in the outbox to be delivered (due or retrying), by receiver.',
    labelNames: ['receiver'],
    registers: [registry],
    collect() {
      this.reset();
      for (const b of backlog()) this.set({ receiver: b.receiver }, b.queued);
    },
  });
  const oldest = new Gauge({
    name: 'lookout_alerter_outbox_oldest_seconds',
    help: 'Age of the oldest notification not yet delivered, by receiver (absent when none waits).',
    labelNames: ['receiver'],
    registers: [registry],
    collect() {
      this.reset();
      const now = clock();
      for (const b of backlog())
        this.set({ receiver: b.receiver }, Math.max(0, now - b.oldestCreatedAtMs) / 1_000);
    },
  });
  return {
    registry,
    deliveryEvents: {
      delivered: (q) => sent.inc({ receiver: q.notification.receiver }),
      failed: (q, _error, willRetry) =>
        (willRetry ? retried : failed).inc({ receiver: q.notification.receiver }),
    },
    watchBacklog(read, now) {
      backlog = read;
      clock = now;
      queued.reset();
      oldest.reset();
    },
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
