import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { metric } from './influxql.ts';
import { topicRatePanel } from './shared-panels.ts';
import { alertAnnotations, lookoutDashboard, seriesPanel, steps, tablePanel, tagVariable } from './panels.ts';

/** Topics (`lookout-topics`): messages/s and bytes/s by topic, size (partitions, retained messages), replication, owner. */
export function topicsDashboard(): dashboard.DashboardBuilder {
  return lookoutDashboard('Topics', 'lookout-topics', 'now-6h')
    .withVariable(tagVariable('cluster', 'Cluster', 'cluster'))
    .withVariable(tagVariable('topic', 'Topic', 'topic', { multi: true }))
    .annotation(alertAnnotations('cluster'))
    .withPanel(topicRatePanel('cluster', 'topic'))
    .withPanel(
      seriesPanel(
        'Bytes in per second by topic',
        'Bps',
        metric('broker_topic', 'bytes_in_total')
          .within('cluster', 'topic')
          .select('non_negative_derivative')
          .groupBy('topic', 'broker')
          .across('sum', 'topic')
          .alias('$tag_topic'),
      ),
    )
    .withPanel(
      tablePanel(
        'Size and replication',
        metric('topic', 'partitions')
          .within('cluster', 'topic')
          .whole()
          .columns('replication_factor', 'min_insync_replicas', 'retention_ms', 'under_replicated_partitions')
          .groupBy('topic')
          .asTable(),
      ),
    )
    .withPanel(
      tablePanel(
        'Owner, produce rate and retained messages',
        metric('topic_offsets', 'messages_per_s')
          .within('cluster', 'topic')
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
        metric('topic', 'under_replicated_partitions')
          .within('cluster', 'topic')
          .select('max')
          .groupBy('topic')
          .alias('$tag_topic'),
      ).thresholds(steps([null, 'green'], [1, 'orange'])),
    );
}
