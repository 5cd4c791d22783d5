import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { metric } from './influxql.ts';
import { alertAnnotations, lookoutDashboard, seriesPanel, statPanel, steps, tagVariable } from './panels.ts';
import { ruleThreshold } from './thresholds.ts';

/** Broker detail (`lookout-broker`): one broker's partitions, throughput, request latency, handlers, disk, JVM. */
export function brokerDetail(): dashboard.DashboardBuilder {
  const one = <Q extends { whereVariable(tag: string, v: string): Q }>(q: Q): Q =>
    q.whereVariable('cluster', 'cluster').whereVariable('broker', 'broker');
  return lookoutDashboard('Broker', 'lookout-broker', 'now-6h')
    .withVariable(tagVariable('cluster', 'Cluster', 'cluster'))
    .annotation(alertAnnotations('cluster'))
    .withVariable(tagVariable('broker', 'Broker', 'broker'))
    .withPanel(statPanel('Leader partitions', one(metric('broker', 'leader_count')).whole()))
    .withPanel(statPanel('Replicas', one(metric('broker', 'partition_count')).whole()))
    .withPanel(
      statPanel(
        'Under-replicated (led here)',
        one(metric('broker', 'under_replicated_partitions')).whole(),
      ).thresholds(steps([null, 'green'], [1, 'orange'])),
    )
    .withPanel(
      statPanel(
        'Request handlers idle',
        one(metric('broker', 'request_handler_idle_ratio')).whole(),
        'percentunit',
      ),
    )
    .withPanel(statPanel('Offline log dirs', one(metric('broker', 'offline_log_dirs')).whole()))
    .withPanel(statPanel('JVM heap used', one(metric('broker', 'jvm_heap_used_bytes')).whole(), 'bytes'))
    .withPanel(
      seriesPanel(
        'Bytes in / out per second',
        'Bps',
        one(metric('broker', 'bytes_in_total')).select('non_negative_derivative').alias('in'),
        one(metric('broker', 'bytes_out_total')).select('non_negative_derivative').alias('out').refId('B'),
      ),
    )
    .withPanel(
      seriesPanel(
        'Request time p99',
        'ms',
        one(metric('broker', 'produce_time_p99_ms')).select('max').alias('produce'),
        one(metric('broker', 'fetch_consumer_time_p99_ms'))
          .select('max')
          .alias('fetch (consumer)')
          .refId('B'),
        one(metric('broker', 'fetch_follower_time_p99_ms'))
          .select('max')
          .alias('fetch (follower)')
          .refId('C'),
      ),
    )
    .withPanel(
      seriesPanel(
        'Disk used',
        'percentunit',
        one(metric('log_dir', 'used_ratio')).select('max').groupBy('log_dir').alias('$tag_log_dir'),
      )
        .min(0)
        .max(1)
        .thresholds(
          steps(
            [null, 'green'],
            [ruleThreshold('KafkaDiskUsedHigh'), 'orange'],
            [ruleThreshold('KafkaDiskUsedCritical'), 'red'],
          ),
        ),
    )
    .withPanel(
      seriesPanel(
        'ISR shrinks per second',
        'ops',
        one(metric('broker', 'isr_shrinks_total')).select('non_negative_derivative'),
      ),
    );
}
