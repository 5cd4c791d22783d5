import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as common from '@grafana/grafana-foundation-sdk/common';
import { catalog } from '../../model/src/catalog.ts';
import type { FieldName, MeasurementName } from '../../model/src/catalog.ts';

/** The InfluxDB (InfluxQL) datasource every panel reads, as Grafana provisioning names it. */
export const datasource: common.DataSourceRef = { type: 'influxdb', uid: 'lookout-influxdb' };

/** An InfluxDB query as Grafana stores it (raw InfluxQL). */
export interface InfluxDataquery extends cog.Dataquery {
  refId: string;
  datasource: common.DataSourceRef;
  query: string;
  rawQuery: true;
  resultFormat: 'time_series' | 'table';
  alias?: string;
}

type Selector = 'last' | 'mean' | 'max' | 'min' | 'sum' | 'non_negative_derivative';

const quote = (name: string): string => `"${name.replaceAll('"', '\\"')}"`;

/**
 * A small InfluxQL builder on the SDK's custom-query pattern (the SDK has no InfluxDB query type). Measurements,
 * fields and tags are named through the catalog, never typed as strings; every query is bounded by
 * `$timeFilter`, and time series are bucketed by `$__interval`.
 */
export class InfluxQuery<M extends MeasurementName> implements cog.Builder<InfluxDataquery> {
  private selector: Selector = 'last';
  private readonly filters: string[] = [];
  private groupTags: string[] = [];
  private bucketed = true;
  private format: 'time_series' | 'table' = 'time_series';
  private aliasText: string | undefined;
  private ref = 'A';
  private outer: Selector | undefined;

  constructor(
    private readonly measurement: M,
    private readonly field: FieldName<M>,
  ) {}

  /** The aggregation over each bucket (or over the whole range when not bucketed). */
  select(selector: Selector): this {
    this.selector = selector;
    return this;
  }

  /** Sums (or otherwise combines) the per-series values of each bucket across series: a subquery. */
  across(selector: Selector): this {
    this.outer = selector;
    return this;
  }

  /** A tag equal to a template variable (`$cluster`, multi-value aware). */
  whereVariable(tag: string, variable: string): this {
    this.checkTag(tag);
    this.filters.push(`${quote(tag)} =~ /^$${variable}$/`);
    return this;
  }

  groupBy(...tags: string[]): this {
    for (const t of tags) this.checkTag(t);
    this.groupTags = tags;
    return this;
  }

  /** One value per series over the whole time range (stats, tables) instead of buckets. */
  whole(): this {
    this.bucketed = false;
    return this;
  }

  asTable(): this {
    this.format = 'table';
    return this;
  }

  alias(text: string): this {
    this.aliasText = text;
    return this;
  }

  refId(id: string): this {
    this.ref = id;
    return this;
  }

  private checkTag(tag: string): void {
    const tags = catalog[this.measurement].tags as readonly string[];
    if (!tags.includes(tag)) throw new Error(`${this.measurement} has no tag ${tag}`);
  }

  /** The InfluxQL text, with Grafana's macros. */
  text(): string {
    const where = [...this.filters, '$timeFilter'].join(' AND ');
    const fn = (s: Selector, arg: string): string =>
      s === 'non_negative_derivative' ? `non_negative_derivative(last(${arg}), 1s)` : `${s}(${arg})`;
    const groups = [...(this.bucketed ? ['time($__interval)'] : []), ...this.groupTags.map(quote)];
    const groupBy = groups.length === 0 ? '' : ` GROUP BY ${groups.join(', ')}`;
    const fill = this.bucketed ? ' fill(none)' : '';
    const inner = `SELECT ${fn(this.selector, quote(this.field))} AS "value" FROM ${quote(this.measurement)} WHERE ${where}${groupBy}${fill}`;
    if (this.outer === undefined) return inner;
    const outerGroups = this.bucketed ? ' GROUP BY time($__interval) fill(none)' : '';
    return `SELECT ${this.outer}("value") AS "value" FROM (${inner}) WHERE $timeFilter${outerGroups}`;
  }

  build(): InfluxDataquery {
    return {
      refId: this.ref,
      datasource,
      query: this.text(),
      rawQuery: true,
      resultFormat: this.format,
      ...(this.aliasText === undefined ? {} : { alias: this.aliasText }),
      _implementsDataqueryVariant() {},
    };
  }
}

/** A query of a catalog metric named `measurement.field`. */
export function metric<M extends MeasurementName>(measurement: M, field: FieldName<M>): InfluxQuery<M> {
  return new InfluxQuery(measurement, field);
}
