import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { metric } from './influxql.ts';
import { alertAnnotations, lookoutDashboard, seriesPanel, steps, tagVariable } from './panels.ts';

/** Probe and SLO (`lookout-probe`): the synthetic probe's availability and end-to-end latency per broker (all by default). */
export function probeDashboard(): dashboard.DashboardBuilder {
  return lookoutDashboard('Probe and SLO', 'lookout-probe', 'now-24h', 'slo')
    .withVariable(tagVariable('cluster', 'Cluster', 'cluster'))
    .withVariable(tagVariable('broker', 'Broker', 'probe', { multi: true }))
    .annotation(alertAnnotations('cluster'))
    .withPanel(
      seriesPanel(
        'Availability (acked / sent) per broker',
        'percentunit',
        metric('probe', 'availability')
          .within('cluster', 'broker')
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
        metric('probe', 'latency_p99_ms')
          .within('cluster', 'broker')
          .select('max')
          .groupBy('broker')
          .alias('broker $tag_broker'),
      ),
    )
    .withPanel(
      seriesPanel(
        'Lost, duplicated, delayed',
        'short',
        metric('probe', 'lost').within('cluster', 'broker').select('sum').alias('lost'),
        metric('probe', 'duplicated')
          .within('cluster', 'broker')
          .select('sum')
          .alias('duplicated')
          .refId('B'),
        metric('probe', 'delayed').within('cluster', 'broker').select('sum').alias('delayed').refId('C'),
      ),
    );
}
