import type * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { metric } from './influxql.ts';
import { seriesPanel, steps } from './panels.ts';
import { ruleThreshold } from './thresholds.ts';

// Panels more than one dashboard shows, within that dashboard's variables (`scope`: cluster, tenant, group …).

/** A topic's produce rate (`topic_offsets`: the collector's per-topic sums), by topic. */
export function topicRatePanel(...scope: string[]): timeseries.PanelBuilder {
  return seriesPanel(
    'Messages per second by topic',
    'short',
    metric('topic_offsets', 'messages_per_s')
      .within(...scope)
      .select('mean')
      .groupBy('topic')
      .alias('$tag_topic'),
  );
}

/** Each group's lag in seconds on its worst partition, colored at ConsumerLagHigh's default threshold. */
export function lagSecondsPanel(...scope: string[]): timeseries.PanelBuilder {
  return seriesPanel(
    'Lag in seconds by group',
    's',
    metric('consumer_group', 'lag_seconds_max')
      .within(...scope)
      .select('max')
      .groupBy('group')
      .alias('$tag_group'),
  )
    .description('The worst partition of each group: how long ago the next record it will read arrived.')
    .thresholds(steps([null, 'green'], [ruleThreshold('ConsumerLagHigh'), 'red']));
}

/** Each group's lag in messages, summed over its partitions. */
export function lagMessagesPanel(...scope: string[]): timeseries.PanelBuilder {
  return seriesPanel(
    'Lag in messages by group',
    'short',
    metric('consumer_group', 'lag_messages_sum')
      .within(...scope)
      .select('max')
      .groupBy('group')
      .alias('$tag_group'),
  );
}
