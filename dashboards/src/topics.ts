import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { metric } from './influxql.ts';
import { alertAnnotations, lookoutDashboard, seriesPanel, steps, tablePanel, tagVariable } from './panels.ts';

/** Topics (`lookout-topics`): messages/s and bytes/s by topic, size (partitions, retained messages), replication, owner. */
export function topicsDashboard(): dashboard.DashboardBuilder {
  const chosen = <Q extends { whereVariable(tag: string, v: string): Q }>(q: Q): Q =>
    q.whereVariable('cluster', 'cluster').whereVariable('topic', 'topic');
  return lookoutDashboard('Topics', 'lookout-topics', 'now-6h')
    .withVariable(tagVariable('cluster', 'Cluster', 'cluster'))
    .withVariable(tagVariable('topic', 'Topic', 'topic', { multi: true }))
    .annotation(alertAnnotations('cluster'))
    .withPanel(
      seriesPanel(
        'Messages per second by topic',
        'short',
        chosen(metric('topic_offsets', 'messages_per_s')).select('mean').groupBy('topic').alias('$tag_topic'),
      ),
    )
    .withPanel(
      seriesPanel(
        'Bytes in per second by topic',
        'Bps',
        chosen(metric('broker_topic', 'bytes_in_total'))
          .select('non_negative_derivative')
          .groupBy('topic', 'broker')
          .across('sum', 'topic')
          .alias('$tag_topic'),
      ),
    )
    .withPanel(
      tablePanel(
        'Size and replication',
        chosen(metric('topic', 'partitions'))
          .whole()
          .columns('replication_factor', 'min_insync_replicas', 'retention_ms', 'under_replicated_partitions')
          .groupBy('topic')
          .asTable(),
      ),
    )
    .withPanel(
      tablePanel(
        'Owner, produce rate and retained messages',
        chosen(metric('topic_offsets', 'messages_per_s'))
          .whole()
          .columns('retained_messages')
          .groupBy('topic', 'tenant')
          .asTable(),
      ),
    )
    .withPanel(
      seriesPanel(
        'Under-replicated partitions by topic',
        'short',
        chosen(metric('topic', 'under_replicated_partitions'))
          .select('max')
          .groupBy('topic')
          .alias('$tag_topic'),
      ).thresholds(steps([null, 'green'], [1, 'orange'])),
    );
}
