import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { metric } from './influxql.ts';
import { lagMessagesPanel, lagSecondsPanel, topicRatePanel } from './shared-panels.ts';
import { alertAnnotations, lookoutDashboard, seriesPanel, tablePanel, tagVariable } from './panels.ts';
import { volumePolicy } from '../../model/src/catalog.ts';

/** Tenant view (`lookout-tenant`): the page a tenant bookmarks: its volume per day, its lag, its alerts. */
export function tenantDashboard(): dashboard.DashboardBuilder {
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
          metric('topic_volume', 'messages')
            .within('cluster', 'tenant')
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
          metric('topic_volume', 'bytes')
            .within('cluster', 'tenant')
            .policy(volumePolicy.name)
            .select('sum')
            .every('1d')
            .alias('bytes'),
        ).span(12),
      )
      .withPanel(topicRatePanel('cluster', 'tenant'))
      .withPanel(lagSecondsPanel('cluster', 'tenant'))
      .withPanel(lagMessagesPanel('cluster', 'tenant'))
      .withPanel(
        tablePanel(
          'Alerts',
          metric('alert_event', 'text')
            .within('cluster', 'tenant')
            .raw()
            .columns('phase', 'alertname', 'severity')
            .asTable(),
        ).span(12),
      )
  );
}
