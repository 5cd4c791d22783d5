import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { metric } from './influxql.ts';
import {
  alertAnnotations,
  lookoutDashboard,
  seriesPanel,
  statPanel,
  steps,
  tablePanel,
  tagVariable,
} from './panels.ts';
import { diskUsedSteps, ruleHorizonSeconds, ruleThreshold } from './thresholds.ts';

/**
 * Cluster overview (`lookout-cluster`): brokers, controller, partition health, throughput, latency, disk used and
 * time to full, active alerts.
 */
export function clusterOverview(): dashboard.DashboardBuilder {
  return lookoutDashboard('Cluster overview', 'lookout-cluster', 'now-6h')
    .withVariable(tagVariable('cluster', 'Cluster', 'cluster'))
    .annotation(alertAnnotations('cluster'))
    .withPanel(
      statPanel(
        'Brokers registered',
        metric('cluster', 'brokers_registered').within('cluster').whole(),
      ).thresholds(steps([null, 'red'], [1, 'green'])),
    )
    .withPanel(
      statPanel('Active controller', metric('cluster', 'controller_id').within('cluster').whole()).noValue(
        'none',
      ),
    )
    .withPanel(
      statPanel(
        'Offline partitions',
        metric('cluster', 'offline_partitions').within('cluster').whole(),
      ).thresholds(steps([null, 'green'], [ruleThreshold('KafkaOfflinePartitions') + 1, 'red'])),
    )
    .withPanel(
      statPanel(
        'Under min ISR',
        metric('cluster', 'under_min_isr_partitions').within('cluster').whole(),
      ).thresholds(steps([null, 'green'], [ruleThreshold('KafkaUnderMinIsr') + 1, 'red'])),
    )
    .withPanel(
      statPanel(
        'Under-replicated',
        metric('cluster', 'under_replicated_partitions').within('cluster').whole(),
      ).thresholds(steps([null, 'green'], [ruleThreshold('KafkaUnderReplicated') + 1, 'orange'])),
    )
    .withPanel(statPanel('Partitions', metric('cluster', 'partitions').within('cluster').whole()))
    .withPanel(
      seriesPanel(
        'Bytes in / out per second',
        'Bps',
        metric('broker', 'bytes_in_total')
          .within('cluster')
          .select('non_negative_derivative')
          .groupBy('broker')
          .alias('in $tag_broker'),
        metric('broker', 'bytes_out_total')
          .within('cluster')
          .select('non_negative_derivative')
          .groupBy('broker')
          .alias('out $tag_broker')
          .refId('B'),
      ),
    )
    .withPanel(
      seriesPanel(
        'Produce request time p99',
        'ms',
        metric('broker', 'produce_time_p99_ms')
          .within('cluster')
          .select('max')
          .groupBy('broker')
          .alias('broker $tag_broker'),
      ),
    )
    .withPanel(
      seriesPanel(
        'Disk used',
        'percentunit',
        metric('log_dir', 'used_ratio')
          .within('cluster')
          .select('max')
          .groupBy('broker', 'log_dir')
          .alias('broker $tag_broker $tag_log_dir'),
      )
        .min(0)
        .max(1)
        .span(24)
        .thresholds(diskUsedSteps()),
    )
    .withPanel(
      seriesPanel(
        'Disk time to full (at the growth between points; only dirs that grow)',
        's',
        metric('log_dir', 'usable_bytes')
          .within('cluster')
          .perGrowthOf('used_bytes')
          .groupBy('broker', 'log_dir')
          .alias('broker $tag_broker $tag_log_dir'),
      ).thresholds(
        steps(
          [null, 'red'],
          [ruleHorizonSeconds('KafkaDiskFullIn4h'), 'orange'],
          [ruleHorizonSeconds('KafkaDiskFullIn24h'), 'green'],
        ),
      ),
    )
    .withPanel(
      statPanel(
        'Alerts firing by severity',
        metric('alert_count', 'firing')
          .within('cluster')
          .whole()
          .groupBy('severity', 'tenant')
          .across('sum', 'severity')
          .alias('$tag_severity'),
      )
        .thresholds(steps([null, 'green'], [1, 'red']))
        .span(6),
    )
    .withPanel(
      tablePanel(
        'Alert transitions',
        metric('alert_event', 'text')
          .within('cluster')
          .raw()
          .columns('phase', 'severity', 'tenant')
          .asTable(),
      ).span(18),
    );
}
