import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { metric } from './influxql.ts';
import { lagMessagesPanel, lagSecondsPanel } from './shared-panels.ts';
import { alertAnnotations, lookoutDashboard, seriesPanel, steps, tablePanel, tagVariable } from './panels.ts';
import { ruleThreshold } from './thresholds.ts';

/**
 * Consumer lag (`lookout-consumers`): tenant → group → topic; lag in messages and in seconds (with the method
 * that dated it), protocol, state, members and who holds each partition, retention risk. The rule pack's consumer alerts link here.
 */
export function consumersDashboard(): dashboard.DashboardBuilder {
  return lookoutDashboard('Consumer lag', 'lookout-consumers', 'now-6h', 'consumers')
    .withVariable(tagVariable('cluster', 'Cluster', 'cluster'))
    .withVariable(tagVariable('tenant', 'Tenant', 'consumer_group', { multi: true }))
    .withVariable(tagVariable('group', 'Group', 'consumer_group', { multi: true, within: ['tenant'] }))
    .withVariable(tagVariable('topic', 'Topic', 'consumer_group_topic', { multi: true, within: ['group'] }))
    .annotation(alertAnnotations('cluster', 'tenant'))
    .withPanel(lagSecondsPanel('cluster', 'tenant', 'group'))
    .withPanel(lagMessagesPanel('cluster', 'tenant', 'group'))
    .withPanel(
      seriesPanel(
        'Lag in messages by group and topic',
        'short',
        metric('consumer_group_topic', 'lag_messages_sum')
          .within('cluster', 'tenant', 'group')
          .whereVariable('topic', 'topic')
          .select('max')
          .groupBy('group', 'topic')
          .alias('$tag_group · $tag_topic'),
      ),
    )
    .withPanel(
      seriesPanel(
        'Retention used by the unread log (worst partition)',
        'percentunit',
        metric('consumer_group', 'retention_used_ratio_max')
          .within('cluster', 'tenant', 'group')
          .select('max')
          .groupBy('group')
          .alias('$tag_group'),
      )
        .min(0)
        .max(1)
        .thresholds(steps([null, 'green'], [ruleThreshold('ConsumerNearRetention'), 'red'])),
    )
    .withPanel(
      tablePanel(
        'Groups: protocol, state, members, assignment, lag, lost',
        metric('consumer_group', 'state')
          .within('cluster', 'tenant', 'group')
          .whole()
          .columns(
            'members',
            'assigned_partitions',
            'rebalancing',
            'partitions',
            'lag_messages_sum',
            'lag_seconds_max',
            'lost_messages_sum',
          )
          .groupBy('tenant', 'group', 'protocol')
          .asTable(),
      ),
    )
    .withPanel(
      tablePanel(
        'Partitions: lag, how its seconds were dated, the member holding it',
        metric('consumer_lag', 'lag_messages')
          .within('cluster', 'tenant', 'group')
          .whereVariable('topic', 'topic')
          .whole()
          .columns(
            'lag_seconds',
            'lag_method',
            'committed_offset',
            'log_end_offset',
            'client_id',
            'client_host',
          )
          .groupBy('group', 'topic', 'partition')
          .asTable(),
      ),
    );
}
