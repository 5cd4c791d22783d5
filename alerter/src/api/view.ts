import type { QueryPort } from '../../../rules/src/query.ts';
import type { Rule } from '../../../rules/src/schema.ts';
import type { Engine, EvaluationReport } from '../engine/engine.ts';
import type { Notifier } from '../notifier.ts';
import type { AlerterMetrics } from '../self-metrics.ts';
import type { NotifyStore } from '../store/notify.ts';
import { readGroupLag } from '../group-lag.ts';
import type { influxQueryPort } from '../query/influx.ts';
import { readTenantGroups } from '../tenant-groups.ts';
import { readLagHistory, readTopicRates } from '../tenant-history.ts';
import { tokenHash } from '../tenants-source.ts';
import type { TenantsSource } from '../tenants-source.ts';
import { callerOf } from './auth.ts';
import type { AlerterView } from './alerter-view.ts';

/** The running parts the API shows. */
export interface ViewedParts {
  engine: Engine;
  /** The rules as loaded (overrides applied). */
  rules: readonly Rule[];
  notifier: Notifier;
  notifyStore: NotifyStore;
  tenants: TenantsSource;
  metrics: AlerterMetrics;
  /** Where tenants' groups and a group's lag are read (InfluxDB). */
  reader: QueryPort & Pick<ReturnType<typeof influxQueryPort>, 'newestRows'>;
  operatorToken: string | undefined;
  /** The alerter's address as people open it (the base of its links). */
  publicUrl: string;
  evaluationIntervalMs: number;
  lastReport: () => EvaluationReport | undefined;
  clock: () => number;
}

/** What the API serves, over the running alerter's parts: alerts, rules, tenants, silences, outbox, health. */
export function alerterView(p: ViewedParts): AlerterView {
  const { engine, notifier, tenants, clock } = p;
  const ownerOf = (labels: Record<string, string>): string =>
    tenants.current().ownership.ownerOfLabels(labels);
  return {
    alerts: () => engine.alerts(),
    rules: () => engine.ruleStatus(),
    definitions: () => p.rules,
    lastEvaluation: () => {
      const last = p.lastReport();
      return last === undefined ? undefined : { atMs: last.atMs, durationMs: last.durationMs };
    },
    registry: p.metrics.registry,
    links: {
      alerter: p.publicUrl,
      ...(notifier.config.links.grafana === undefined ? {} : { grafana: notifier.config.links.grafana }),
    },
    placements: (alert) => notifier.placements(alert),
    caller: (header) => callerOf(header, p.operatorToken, tenants.current().tokens, tokenHash),
    ownerOf,
    forTenant: (alert, tenant) => tenants.current().ownership.forTenant(alert, tenant),
    tenants: () => tenants.current().ownership.tenants(),
    groups: (tenant) => readTenantGroups(p.reader, clock(), ownerOf, tenant),
    groupLag: (cluster, group) => readGroupLag(p.reader, cluster, group, clock()),
    lagHistory: (tenant, hours) => readLagHistory(p.reader, clock(), hours, ownerOf, tenant),
    topicRates: (tenant) => readTopicRates(p.reader, clock(), ownerOf, tenant),
    muted: () => notifier.muted(),
    silences: () => notifier.silences(),
    addSilence: (input) => notifier.addSilence(input),
    previewSilence: (input) => notifier.previewSilence(input),
    expireSilence: (id, by) => notifier.expireSilence(id, by),
    notifications: (limit) => p.notifyStore.outbox(limit),
    now: clock,
    health: () => {
      const last = p.lastReport();
      if (last === undefined) return { healthy: false, reason: 'no evaluation yet' };
      const stale = clock() - last.atMs > 3 * p.evaluationIntervalMs;
      const reason = stale ? 'evaluations stopped' : last.storeError;
      return {
        healthy: reason === undefined,
        lastEvaluationMs: last.atMs,
        ...(reason === undefined ? {} : { reason }),
      };
    },
  };
}
