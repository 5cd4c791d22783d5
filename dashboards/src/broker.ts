import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { metric } from './influxql.ts';
import { alertAnnotations, lookoutDashboard, seriesPanel, statPanel, steps, tagVariable } from './panels.ts';
import { diskUsedSteps } from './thresholds.ts';

/** Broker detail (`lookout-broker`): one broker's partitions, throughput, request latency, handlers, disk, JVM. */
export function brokerDetail(): dashboard.DashboardBuilder {
  return (
    lookoutDashboard('Broker', 'lookout-broker', 'now-6h')
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
      .withPanel(
        statPanel('Replicas', metric('broker', 'partition_count').within('cluster', 'broker').whole()),
      )
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
        statPanel(
          'Offline log dirs',
          metric('broker', 'offline_log_dirs').within('cluster', 'broker').whole(),
        ),
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
          metric('broker', 'produce_local_time_p99_ms')
            .within('cluster', 'broker')
            .select('max')
            .alias('produce (local)')
            .refId('D'),
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
      )
      // Its host, from node_exporter: what slows a broker that Kafka's own metrics do not name.
      .withPanel(
        seriesPanel(
          'Host CPU',
          'percentunit',
          metric('host', 'cpu_busy_ratio').within('cluster', 'broker').select('max').alias('busy'),
          metric('host', 'cpu_iowait_ratio')
            .within('cluster', 'broker')
            .select('max')
            .alias('iowait')
            .refId('B'),
          metric('host', 'cpu_steal_ratio')
            .within('cluster', 'broker')
            .select('max')
            .alias('steal')
            .refId('C'),
        )
          .min(0)
          .max(1),
      )
      .withPanel(
        seriesPanel(
          'Host load',
          'short',
          metric('host', 'load1').within('cluster', 'broker').select('max').alias('load 1m'),
          metric('host', 'load5').within('cluster', 'broker').select('max').alias('load 5m').refId('B'),
          metric('host', 'cpus').within('cluster', 'broker').select('max').alias('CPUs').refId('C'),
        ),
      )
      .withPanel(
        seriesPanel(
          'Host memory',
          'bytes',
          metric('host', 'memory_available_bytes')
            .within('cluster', 'broker')
            .select('max')
            .alias('available'),
          metric('host', 'page_cache_bytes')
            .within('cluster', 'broker')
            .select('max')
            .alias('page cache')
            .refId('B'),
          metric('host', 'swap_used_bytes')
            .within('cluster', 'broker')
            .select('max')
            .alias('swap used')
            .refId('C'),
        ),
      )
      .withPanel(
        seriesPanel(
          'Host swap in + out',
          'short',
          metric('host', 'swap_pages_per_s').within('cluster', 'broker').select('max').alias('pages/s'),
        ),
      )
      .withPanel(
        seriesPanel(
          'Host disk (busiest device)',
          'percentunit',
          metric('host', 'disk_util_ratio_max').within('cluster', 'broker').select('max').alias('busy'),
        )
          .min(0)
          .max(1),
      )
      .withPanel(
        seriesPanel(
          'Host disk latency per operation',
          'ms',
          metric('host', 'disk_write_latency_ms_max')
            .within('cluster', 'broker')
            .select('max')
            .alias('write'),
          metric('host', 'disk_read_latency_ms_max')
            .within('cluster', 'broker')
            .select('max')
            .alias('read')
            .refId('B'),
        ),
      )
      .withPanel(
        seriesPanel(
          'Host network errors and drops',
          'short',
          metric('host', 'network_errors_per_s').within('cluster', 'broker').select('max').alias('errors/s'),
          metric('host', 'network_drops_per_s')
            .within('cluster', 'broker')
            .select('max')
            .alias('drops/s')
            .refId('B'),
        ),
      )
  );
}
