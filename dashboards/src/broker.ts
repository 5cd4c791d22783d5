import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { metric } from './influxql.ts';
import { alertAnnotations, lookoutDashboard, seriesPanel, statPanel, steps, tagVariable } from './panels.ts';
import { diskUsedSteps } from './thresholds.ts';

/** Broker detail (`lookout-broker`): one broker's partitions, throughput, request latency, handlers, disk, JVM. */
export function brokerDetail(): dashboard.DashboardBuilder {
  return lookoutDashboard('Broker', 'lookout-broker', 'now-6h')
    .withVariable(tagVariable('cluster', 'Cluster', 'cluster'))
    .annotation(alertAnnotations('cluster'))
    .withVariable(tagVariable('broker', 'Broker', 'broker'))
    .withPanel(
      // up, fenced, crashed, hung, restarting, restart_overdue (docs/adr/0004-crash-or-planned-stop.md).
      statPanel('Liveness', metric('broker_status', 'state').within('cluster', 'broker').whole()),
    )
    .withPanel(
      statPanel(
        'Not answering for',
        metric('broker_status', 'down_seconds').within('cluster', 'broker').whole(),
        's',
      ).thresholds(steps([null, 'green'], [3, 'red'])),
    )
    .withPanel(
      statPanel('Leader partitions', metric('broker', 'leader_count').within('cluster', 'broker').whole()),
    )
    .withPanel(statPanel('Replicas', metric('broker', 'partition_count').within('cluster', 'broker').whole()))
    .withPanel(
      statPanel(
        'Under-replicated (led here)',
        metric('broker', 'under_replicated_partitions').within('cluster', 'broker').whole(),
      ).thresholds(steps([null, 'green'], [1, 'orange'])),
    )
    .withPanel(
      statPanel(
        'Request handlers idle',
        metric('broker', 'request_handler_idle_ratio').within('cluster', 'broker').whole(),
        'percentunit',
      ),
    )
    .withPanel(
      statPanel('Offline log dirs', metric('broker', 'offline_log_dirs').within('cluster', 'broker').whole()),
    )
    .withPanel(
      statPanel(
        'JVM heap used',
        metric('broker', 'jvm_heap_used_bytes').within('cluster', 'broker').whole(),
        'bytes',
      ),
    )
    .withPanel(
      seriesPanel(
        'Bytes in / out per second',
        'Bps',
        metric('broker', 'bytes_in_total')
          .within('cluster', 'broker')
          .select('non_negative_derivative')
          .alias('in'),
        metric('broker', 'bytes_out_total')
          .within('cluster', 'broker')
          .select('non_negative_derivative')
          .alias('out')
          .refId('B'),
      ),
    )
    .withPanel(
      seriesPanel(
        'Request time p99',
        'ms',
        metric('broker', 'produce_time_p99_ms').within('cluster', 'broker').select('max').alias('produce'),
        metric('broker', 'fetch_consumer_time_p99_ms')
          .within('cluster', 'broker')
          .select('max')
          .alias('fetch (consumer)')
          .refId('B'),
        metric('broker', 'fetch_follower_time_p99_ms')
          .within('cluster', 'broker')
          .select('max')
          .alias('fetch (follower)')
          .refId('C'),
      ),
    )
    .withPanel(
      seriesPanel(
        'Disk used',
        'percentunit',
        metric('log_dir', 'used_ratio')
          .within('cluster', 'broker')
          .select('max')
          .groupBy('log_dir')
          .alias('$tag_log_dir'),
      )
        .min(0)
        .max(1)
        .thresholds(diskUsedSteps()),
    )
    .withPanel(
      seriesPanel(
        'ISR shrinks per second',
        'ops',
        metric('broker', 'isr_shrinks_total').within('cluster', 'broker').select('non_negative_derivative'),
      ),
    );
}
