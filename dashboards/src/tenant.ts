import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { metric } from './influxql.ts';
import { alertAnnotations, lookoutDashboard, seriesPanel, steps, tablePanel, tagVariable } from './panels.ts';
import { volumePolicy } from '../../model/src/catalog.ts';
import { ruleThreshold } from './thresholds.ts';

/** Tenant view (`lookout-tenant`): the page a tenant bookmarks: its volume per day, its lag, its alerts. */
export function tenantDashboard(): dashboard.DashboardBuilder {
  const mine = <Q extends { whereVariable(tag: string, v: string): Q }>(q: Q): Q =>
    q.whereVariable('cluster', 'cluster').whereVariable('tenant', 'tenant');
  return (
    lookoutDashboard('Tenant', 'lookout-tenant', 'now-7d', 'tenant')
      .withVariable(tagVariable('cluster', 'Cluster', 'cluster'))
      // Tenants that produce and tenants that only consume.
      .withVariable(tagVariable('tenant', 'Tenant', ['topic_offsets', 'consumer_group']))
      .annotation(alertAnnotations('cluster', 'tenant'))
      .withPanel(
        seriesPanel(
          'Messages produced per day',
          'short',
          mine(metric('topic_volume', 'messages'))
            .policy(volumePolicy.name)
            .select('sum')
            .every('1d')
            .alias('messages'),
        ).span(12),
      )
      .withPanel(
        seriesPanel(
          'Bytes produced per day',
          'bytes',
          mine(metric('topic_volume', 'bytes'))
            .policy(volumePolicy.name)
            .select('sum')
            .every('1d')
            .alias('bytes'),
        ).span(12),
      )
      .withPanel(
        seriesPanel(
          'Messages per second by topic',
          'short',
          mine(metric('topic_offsets', 'messages_per_s')).select('mean').groupBy('topic').alias('$tag_topic'),
        ),
      )
      .withPanel(
        seriesPanel(
          'Lag in seconds by group',
          's',
          mine(metric('consumer_group', 'lag_seconds_max'))
            .select('max')
            .groupBy('group')
            .alias('$tag_group'),
        ).thresholds(steps([null, 'green'], [ruleThreshold('ConsumerLagHigh'), 'red'])),
      )
      .withPanel(
        seriesPanel(
          'Lag in messages by group',
          'short',
          mine(metric('consumer_group', 'lag_messages_sum'))
            .select('max')
            .groupBy('group')
            .alias('$tag_group'),
        ),
      )
      .withPanel(
        tablePanel(
          'Alerts',
          mine(metric('alert_event', 'text')).raw().columns('phase', 'alertname', 'severity').asTable(),
        ).span(12),
      )
  );
}
