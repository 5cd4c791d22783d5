import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as common from '@grafana/grafana-foundation-sdk/common';
import { catalog } from '../../model/src/catalog.ts';
import type { FieldName, MeasurementName } from '../../model/src/catalog.ts';

/**
 * The InfluxDB (InfluxQL) datasource every panel reads: the dashboard's `datasource` variable (any InfluxDB
 * datasource of the Grafana it is imported into; compose provisions `lookout-influxdb`, its default).
 */
export const datasource: common.DataSourceRef = { type: 'influxdb', uid: '${datasource}' };

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
 * `$timeFilter`, and time series are bucketed by `$__interval` (or a fixed interval).
 */
export class InfluxQuery<M extends MeasurementName> implements cog.Builder<InfluxDataquery> {
  private selector: Selector | 'raw' = 'last';
  private readonly filters: string[] = [];
  private groupTags: string[] = [];
  private bucket: string | undefined = '$__interval';
  private format: 'time_series' | 'table' = 'time_series';
  private aliasText: string | undefined;
  private ref = 'A';
  private outer: { selector: Selector; tags: string[] } | undefined;
  private extra: string[] = [];
  private policyName: string | undefined;
  private growthField: string | undefined;

  constructor(
    private readonly measurement: M,
    private readonly field: FieldName<M>,
  ) {}

  /** The aggregation over each bucket (or over the whole range when not bucketed). */
  select(selector: Selector): this {
    this.selector = selector;
    return this;
  }

  /** The points themselves, unaggregated (tables and annotations): `columns` may add fields and tags. */
  raw(): this {
    this.selector = 'raw';
    this.bucket = undefined;
    return this;
  }

  /** Further fields in the same SELECT (same aggregation), each named after itself: table columns. */
  columns(...names: (FieldName<M> | string)[]): this {
    const spec = catalog[this.measurement];
    for (const n of names)
      if (!(n in spec.fields) && !(spec.tags as readonly string[]).includes(n))
        throw new Error(`${this.measurement} has no field or tag ${n}`);
    this.extra = names;
    return this;
  }

  /** Combines the per-series values of each bucket across series (a subquery), keeping `tags` apart. */
  across(selector: Selector, ...tags: string[]): this {
    for (const t of tags) this.checkTag(t);
    this.outer = { selector, tags };
    return this;
  }

  /** A tag equal to a template variable (`$cluster`, multi-value aware). */
  whereVariable(tag: string, variable: string): this {
    this.checkTag(tag);
    this.filters.push(`${quote(tag)} =~ /^$${variable}$/`);
    return this;
  }

  /** Each tag equal to the template variable of the same name: the dashboard's scope (`cluster`, `tenant`, …). */
  within(...tags: string[]): this {
    for (const t of tags) this.whereVariable(t, t);
    return this;
  }

  groupBy(...tags: string[]): this {
    for (const t of tags) this.checkTag(t);
    this.groupTags = tags;
    return this;
  }

  /** One value per series over the whole time range (stats, tables) instead of buckets. */
  whole(): this {
    this.bucket = undefined;
    return this;
  }

  /** Buckets of a fixed interval (`1d`) instead of Grafana's `$__interval`. */
  every(interval: string): this {
    if (!/^[1-9][0-9]*[smhdw]$/.test(interval)) throw new Error(`not an InfluxQL interval: ${interval}`);
    this.bucket = interval;
    return this;
  }

  /**
   * The value divided by the growth per second of `field` between buckets, where it grows: the seconds until a
   * remaining amount (usable bytes) is used up at the current growth (time to full).
   */
  perGrowthOf(field: FieldName<M>): this {
    this.growthField = field;
    return this;
  }

  /** Reads a retention policy other than the default (e.g. the daily `volume` rollup). */
  policy(name: string): this {
    this.policyName = name;
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
    const fn = (s: Selector | 'raw', arg: string): string =>
      s === 'raw'
        ? arg
        : s === 'non_negative_derivative'
          ? `non_negative_derivative(last(${arg}), 1s)`
          : `${s}(${arg})`;
    const selected =
      this.extra.length === 0
        ? `${fn(this.selector, quote(this.field))} AS "value"`
        : [this.field, ...this.extra].map((f) => `${fn(this.selector, quote(f))} AS ${quote(f)}`).join(', ');
    const time = this.bucket === undefined ? [] : [`time(${this.bucket})`];
    const groups = this.selector === 'raw' ? [] : [...time, ...this.groupTags.map(quote)];
    const groupBy = groups.length === 0 ? '' : ` GROUP BY ${groups.join(', ')}`;
    const fill = time.length > 0 && this.selector !== 'raw' ? ' fill(none)' : '';
    const from =
      this.policyName === undefined
        ? quote(this.measurement)
        : `${quote(this.policyName)}.${quote(this.measurement)}`;
    const order = this.selector === 'raw' ? ' ORDER BY time DESC LIMIT 1000' : '';
    const growth =
      this.growthField === undefined ? '' : `, derivative(last(${quote(this.growthField)}), 1s) AS "growth"`;
    const inner = `SELECT ${selected}${growth} FROM ${from} WHERE ${where}${groupBy}${fill}${order}`;
    if (this.growthField !== undefined) {
      const tags = this.groupTags.length === 0 ? '' : ` GROUP BY ${this.groupTags.map(quote).join(', ')}`;
      return `SELECT "value" / "growth" AS "value" FROM (${inner}) WHERE "growth" > 0 AND $timeFilter${tags}`;
    }
    if (this.outer === undefined) return inner;
    const outerGroups = [...time, ...this.outer.tags.map(quote)];
    const outerBy = outerGroups.length === 0 ? '' : ` GROUP BY ${outerGroups.join(', ')}`;
    return `SELECT ${this.outer.selector}("value") AS "value" FROM (${inner}) WHERE $timeFilter${outerBy}${fill}`;
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
