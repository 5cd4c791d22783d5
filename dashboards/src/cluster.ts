import * as common from '@grafana/grafana-foundation-sdk/common';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { datasource, metric } from './influxql.ts';
import { ruleThreshold } from './thresholds.ts';

/** The `cluster` template variable: every cluster the collector writes, the first by default. */
export function clusterVariable(): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder('cluster')
    .label('Cluster')
    .datasource(datasource)
    .query('SHOW TAG VALUES FROM "cluster" WITH KEY = "cluster"')
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc);
}

const steps = (...values: [number | null, string][]): dashboard.ThresholdsConfigBuilder =>
  new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps(values.map(([value, color]) => ({ value, color })));

function statPanel(title: string, q: cog.Builder<cog.Dataquery>, unit = 'none'): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .title(title)
    .datasource(datasource)
    .withTarget(q)
    .unit(unit)
    .height(4)
    .span(4);
}

/** Cluster overview: brokers, controller, partition health, throughput, latency, disk. */
export function clusterOverview(): dashboard.DashboardBuilder {
  const inCluster = <Q extends { whereVariable(tag: string, v: string): Q }>(q: Q): Q =>
    q.whereVariable('cluster', 'cluster');
  return new dashboard.DashboardBuilder('Lookout · Cluster overview')
    .uid('lookout-cluster')
    .tags(['lookout', 'kafka'])
    .time({ from: 'now-6h', to: 'now' })
    .refresh('30s')
    .withVariable(clusterVariable())
    .withPanel(
      statPanel('Brokers registered', inCluster(metric('cluster', 'brokers_registered')).whole()).thresholds(
        steps([null, 'red'], [1, 'green']),
      ),
    )
    .withPanel(
      statPanel('Active controller', inCluster(metric('cluster', 'controller_id')).whole()).noValue('none'),
    )
    .withPanel(
      statPanel('Offline partitions', inCluster(metric('cluster', 'offline_partitions')).whole()).thresholds(
        steps([null, 'green'], [ruleThreshold('KafkaOfflinePartitions') + 1, 'red']),
      ),
    )
    .withPanel(
      statPanel('Under min ISR', inCluster(metric('cluster', 'under_min_isr_partitions')).whole()).thresholds(
        steps([null, 'green'], [ruleThreshold('KafkaUnderMinIsr') + 1, 'red']),
      ),
    )
    .withPanel(
      statPanel(
        'Under-replicated',
        inCluster(metric('cluster', 'under_replicated_partitions')).whole(),
      ).thresholds(steps([null, 'green'], [ruleThreshold('KafkaUnderReplicated') + 1, 'orange'])),
    )
    .withPanel(statPanel('Partitions', inCluster(metric('cluster', 'partitions')).whole()))
    .withPanel(
      new timeseries.PanelBuilder()
        .title('Bytes in / out per second')
        .datasource(datasource)
        .unit('Bps')
        .height(8)
        .span(12)
        .withTarget(
          inCluster(metric('broker', 'bytes_in_total'))
            .select('non_negative_derivative')
            .groupBy('broker')
            .alias('in $tag_broker'),
        )
        .withTarget(
          inCluster(metric('broker', 'bytes_out_total'))
            .select('non_negative_derivative')
            .groupBy('broker')
            .alias('out $tag_broker')
            .refId('B'),
        ),
    )
    .withPanel(
      new timeseries.PanelBuilder()
        .title('Produce request time p99')
        .datasource(datasource)
        .unit('ms')
        .height(8)
        .span(12)
        .withTarget(
          inCluster(metric('broker', 'produce_time_p99_ms'))
            .select('max')
            .groupBy('broker')
            .alias('broker $tag_broker'),
        ),
    )
    .withPanel(
      new timeseries.PanelBuilder()
        .title('Disk used')
        .datasource(datasource)
        .unit('percentunit')
        .min(0)
        .max(1)
        .height(8)
        .span(24)
        .thresholds(
          steps(
            [null, 'green'],
            [ruleThreshold('KafkaDiskUsedHigh'), 'orange'],
            [ruleThreshold('KafkaDiskUsedCritical'), 'red'],
          ),
        )
        .withTarget(
          inCluster(metric('log_dir', 'used_ratio'))
            .select('max')
            .groupBy('broker', 'log_dir')
            .alias('broker $tag_broker $tag_log_dir'),
        ),
    );
}
