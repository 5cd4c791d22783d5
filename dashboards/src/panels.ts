import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { catalog } from '../../model/src/catalog.ts';
import type { MeasurementName } from '../../model/src/catalog.ts';
import { datasource, metric } from './influxql.ts';

/** Absolute thresholds: `[from, color]` steps, the first from null. */
export const steps = (...values: [number | null, string][]): dashboard.ThresholdsConfigBuilder =>
  new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps(values.map(([value, color]) => ({ value, color })));

/** A single-value panel (the last value of the range). */
export function statPanel(title: string, q: cog.Builder<cog.Dataquery>, unit = 'none'): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .title(title)
    .datasource(datasource)
    .withTarget(q)
    .unit(unit)
    .height(4)
    .span(4);
}

/** A time series panel of one or more queries. */
export function seriesPanel(
  title: string,
  unit: string,
  ...queries: cog.Builder<cog.Dataquery>[]
): timeseries.PanelBuilder {
  const p = new timeseries.PanelBuilder().title(title).datasource(datasource).unit(unit).height(8).span(12);
  for (const q of queries) p.withTarget(q);
  return p;
}

/** What a multi-value variable's "All" matches: every value, the empty one included. */
export const allValue = '.*';
/** The value Grafana gives a variable while "All" is selected. */
export const allSelected = '$__all';

/** A template variable of a tag's values in the dashboard's range (within the chosen cluster, for tags other than cluster). */
export function tagVariable(
  name: string,
  label: string,
  from: MeasurementName | MeasurementName[],
  options: { multi?: boolean; within?: string[] } = {},
): dashboard.QueryVariableBuilder {
  // Within the chosen cluster, and within the other variables named (a tenant's groups, a group's topics).
  const within = name === 'cluster' ? [] : ['cluster', ...(options.within ?? [])];
  const measurements = Array.isArray(from) ? from : [from];
  for (const m of measurements) {
    const tags = catalog[m].tags as readonly string[];
    for (const tag of [name, ...within])
      if (!tags.includes(tag)) throw new Error(`variable ${name}: ${m} has no tag ${tag}`);
  }
  // Bounded in time too: the values seen in the dashboard's range (a deleted topic leaves the list).
  const where = ` WHERE ${[...within.map((v) => `"${v}" =~ /^$${v}$/`), '$timeFilter'].join(' AND ')}`;
  const v = new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(datasource)
    .query(
      `SHOW TAG VALUES FROM ${measurements.map((m) => `"${m}"`).join(', ')} WITH KEY = "${name}"${where}`,
    )
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(options.multi ?? false)
    .includeAll(options.multi ?? false)
    // "All" matches every value, the empty one included (a group without an owner), not a list of those seen.
    .allValue(allValue);
  // Multi-value variables open on "All" (every tenant, group, topic); the others on their first value.
  return options.multi === true ? v.current({ selected: true, text: ['All'], value: [allSelected] }) : v;
}

/** A table panel of one query's rows. */
export function tablePanel(title: string, q: cog.Builder<cog.Dataquery>): table.PanelBuilder {
  return new table.PanelBuilder().title(title).datasource(datasource).withTarget(q).height(8).span(12);
}

/**
 * The alerter's alert transitions (`alert_event`) as annotations, within the chosen cluster (and tenant, on
 * dashboards that have one).
 */
export function alertAnnotations(...variables: ('cluster' | 'tenant')[]): dashboard.AnnotationQueryBuilder {
  const q = metric('alert_event', 'text')
    .raw()
    .columns('phase', 'alertname', 'severity', 'tenant')
    .within(...variables)
    .asTable();
  return new dashboard.AnnotationQueryBuilder()
    .name('Lookout alerts')
    .datasource(datasource)
    .enable(true)
    .iconColor('red')
    .target(q)
    .mappings({
      text: new dashboard.AnnotationEventFieldMappingBuilder()
        .source(dashboard.AnnotationEventFieldSource.Field)
        .value('text'),
      tags: new dashboard.AnnotationEventFieldMappingBuilder()
        .source(dashboard.AnnotationEventFieldSource.Field)
        .value('alertname'),
    });
}

/** A Lookout dashboard: its uid and title, tagged, refreshed every 30 s, over the last `from` (e.g. `now-6h`). */
export function lookoutDashboard(
  title: string,
  uid: string,
  from: string,
  ...tags: string[]
): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(`Lookout · ${title}`)
    .uid(uid)
    .tags(['lookout', 'kafka', ...tags])
    .time({ from, to: 'now' })
    .refresh('30s')
    .withVariable(datasourceVariable());
}

/**
 * The `datasource` variable every query reads through: an InfluxDB datasource, on import the one chosen for
 * `DS_INFLUXDB` (`__inputs`); where none was chosen (file provisioning), Grafana takes its default InfluxDB one.
 */
export function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder('datasource')
    .label('InfluxDB')
    .type('influxdb')
    .current({ selected: false, text: '${DS_INFLUXDB}', value: '${DS_INFLUXDB}' });
}
