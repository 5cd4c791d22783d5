import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { metric } from './influxql.ts';
import { alertAnnotations, lookoutDashboard, seriesPanel, steps, tagVariable } from './panels.ts';

/** Probe and SLO (`lookout-probe`): the synthetic probe's availability and end-to-end latency per broker (all by default). */
export function probeDashboard(): dashboard.DashboardBuilder {
  const inCluster = <Q extends { whereVariable(tag: string, v: string): Q }>(q: Q): Q =>
    q.whereVariable('cluster', 'cluster').whereVariable('broker', 'broker');
  return lookoutDashboard('Probe and SLO', 'lookout-probe', 'now-24h', 'slo')
    .withVariable(tagVariable('cluster', 'Cluster', 'cluster'))
    .withVariable(tagVariable('broker', 'Broker', 'probe', { multi: true }))
    .annotation(alertAnnotations('cluster'))
    .withPanel(
      seriesPanel(
        'Availability (acked / sent) per broker',
        'percentunit',
        inCluster(metric('probe', 'availability'))
          .select('min')
          .groupBy('broker')
          .alias('broker $tag_broker'),
      )
        .min(0)
        .max(1)
        .thresholds(steps([null, 'red'], [0.99, 'green'])),
    )
    .withPanel(
      seriesPanel(
        'End-to-end latency p99 per broker',
        'ms',
        inCluster(metric('probe', 'latency_p99_ms'))
          .select('max')
          .groupBy('broker')
          .alias('broker $tag_broker'),
      ),
    )
    .withPanel(
      seriesPanel(
        'Lost, duplicated, delayed',
        'short',
        inCluster(metric('probe', 'lost')).select('sum').alias('lost'),
        inCluster(metric('probe', 'duplicated')).select('sum').alias('duplicated').refId('B'),
        inCluster(metric('probe', 'delayed')).select('sum').alias('delayed').refId('C'),
      ),
    );
}
