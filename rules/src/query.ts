import { catalog } from '../../model/src/catalog.ts';
import type { MeasurementSpec } from '../../model/src/catalog.ts';
import { compileRegex } from '../../model/src/regex.ts';
import { encodeTagValue } from '../../model/src/tag-value.ts';
import type { Condition, Matcher, Reduction } from './schema.ts';

/** The most time buckets one query may ask for. */
export const maxBuckets = 1_000;

/** The aggregate InfluxQL applies to each series (and, with a step, to each time bucket). */
export type QueryFunction = 'last' | 'first' | 'max' | 'min' | 'mean' | 'sum' | 'count';

/**
 * One bounded query: fields of a measurement over `(fromMs, toMs]`, tag filters, grouped by tags, one
 * aggregate per series (or per series and `stepMs` bucket). The port runs it; `influxql` renders it.
 */
export interface SeriesQuery {
  measurement: string;
  fields: string[];
  fn: QueryFunction;
  where: Readonly<Record<string, Matcher>>;
  fromMs: number;
  toMs: number;
  stepMs?: number;
  groupBy: string[];
}

/** One series of a query's answer: its tags and its points (one when there is no step), values by field. */
export interface SeriesResult {
  tags: Record<string, string>;
  /** The values of the query's `groupBy` tags joined by NUL, when the port has it at hand. */
  key?: string;
  points: { timeMs: number; values: (number | null)[] }[];
}

const stepped: ReadonlySet<Reduction> = new Set([
  'delta',
  'increase',
  'rate',
  'min_step',
  'predict_linear',
  'span',
]);
const direct: Partial<Record<Reduction, QueryFunction>> = {
  last: 'last',
  first: 'first',
  max: 'max',
  min: 'min',
  avg: 'mean',
  sum: 'sum',
  count: 'count',
};

/** The bucket a stepped reduction reads: the condition's `step`, else a tenth of its window (≥ 1 s). */
export function stepOf(c: Pick<Condition, 'reduce' | 'window' | 'step'>): number | undefined {
  if (!stepped.has(c.reduce)) return undefined;
  return c.step ?? Math.max(1_000, Math.floor(c.window / 10));
}

type CatalogMetric = { measurement: string; field: string; spec: MeasurementSpec };

/** The measurement and field a `measurement.field` names, if the catalog has them. */
export function catalogMetric(metric: string): CatalogMetric | undefined {
  const [measurement = '', field = ''] = metric.split('.');
  const spec = (catalog as Record<string, MeasurementSpec>)[measurement];
  if (spec === undefined || spec.fields[field] === undefined) return undefined;
  return { measurement, spec, field };
}

/** The tags of a catalog measurement (none for an unknown one). */
export function measurementTags(measurement: string): readonly string[] {
  return (catalog as Record<string, MeasurementSpec | undefined>)[measurement]?.tags ?? [];
}

/** The measurement spec a `measurement.field` names (checked at load, so a miss is a bug). */
export function specOf(metric: string): CatalogMetric {
  const m = catalogMetric(metric);
  if (m === undefined) throw new Error(`${metric} is not in the metric catalog`);
  return m;
}

/**
 * The labels a condition's values are keyed by: its `by`, else the instance labels it can join on
 * (for `and`/`unless`), else its measurement's tags without `source` (one broker seen by two sources is one).
 */
export function labelsOf(c: Pick<Condition, 'metric' | 'by'>, instanceBy?: readonly string[]): string[] {
  if (c.by !== undefined) return [...c.by];
  const tags = specOf(c.metric).spec.tags.filter((t) => t !== 'source');
  return instanceBy === undefined ? tags : tags.filter((t) => instanceBy.includes(t));
}

/** The query a condition needs at `nowMs` (series: every tag of the measurement but `source`). */
export function queryOf(c: Condition, nowMs: number, windowMs = c.window): SeriesQuery {
  const { measurement, field, spec } = specOf(c.metric);
  const stepMs = stepOf(c);
  return {
    measurement,
    fields: c.ratio_to === undefined ? [field] : [field, c.ratio_to],
    fn: stepMs === undefined ? (direct[c.reduce] ?? 'last') : 'last',
    where: c.where,
    fromMs: nowMs - (c.offset ?? 0) - windowMs,
    toMs: nowMs - (c.offset ?? 0),
    ...(stepMs === undefined ? {} : { stepMs }),
    groupBy: spec.tags.filter((t) => t !== 'source'),
  };
}

/** A key that is equal for queries InfluxDB can answer in one statement (all but the fields). */
export function shapeKey(q: SeriesQuery): string {
  return JSON.stringify([q.measurement, q.fn, q.where, q.fromMs, q.toMs, q.stepMs ?? 0, q.groupBy]);
}

/** An InfluxQL identifier, quoted. */
export const quoteIdent = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const quoteString = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
/** A tag value compared in a filter: as it is stored (`encodeTagValue`). */
const quoteValue = (s: string): string => quoteString(encodeTagValue(s));
const quoteRegex = (s: string): string => `/${s.replace(/\//g, '\\/')}/`;
/** A filter on a tag's value as stored: `"tag" = 'value'` (for reads outside the rules' queries). */
export const tagEquals = (tag: string, value: string): string => `${quoteIdent(tag)} = ${quoteValue(value)}`;

function filterOf(tag: string, m: Matcher): string {
  const t = quoteIdent(tag);
  if (typeof m === 'string') return `${t} = ${quoteValue(m)}`;
  if ('re' in m) return `${t} =~ ${quoteRegex(m.re)}`;
  if ('not' in m) return `${t} != ${quoteValue(m.not)}`;
  return `(${m.in.map((v) => `${t} = ${quoteValue(v)}`).join(' OR ')})`;
}

/** The InfluxQL of a query: always a closed time range, and at most `maxBuckets` buckets per series. */
export function influxql(q: SeriesQuery): string {
  const ns = (ms: number): string => `${BigInt(Math.round(ms)) * 1_000_000n}`;
  const select = q.fields.map((f) => `${q.fn}(${quoteIdent(f)}) AS ${quoteIdent(f)}`).join(', ');
  const where = [
    `time > ${ns(q.fromMs)}`,
    `time <= ${ns(q.toMs)}`,
    ...Object.entries(q.where).map(([t, m]) => filterOf(t, m)),
  ].join(' AND ');
  const groups = [
    ...(q.stepMs === undefined ? [] : [`time(${Math.round(q.stepMs)}ms)`]),
    ...q.groupBy.map(quoteIdent),
  ];
  const fill = q.stepMs === undefined ? '' : ' fill(none)';
  return `SELECT ${select} FROM ${quoteIdent(q.measurement)} WHERE ${where}${groups.length > 0 ? ` GROUP BY ${groups.join(', ')}` : ''}${fill}`;
}

/** Whether a tag value passes a matcher (the in-memory port's reading of `filterOf`). */
export function matches(value: string, m: Matcher): boolean {
  if (typeof m === 'string') return value === m;
  if ('re' in m) return compileRegex(m.re).within(value);
  if ('not' in m) return value !== m.not;
  return m.in.includes(value);
}

/** The store could not be asked at all (refused, timed out, not answering): every rule is blind. */
export class StoreUnreachable extends Error {
  override name = 'StoreUnreachable';
}

/**
 * The port rules are evaluated through: runs queries in a batch, answering each (or failing it alone); rejects
 * with StoreUnreachable when the store cannot be asked.
 */
export interface QueryPort {
  run(queries: readonly SeriesQuery[]): Promise<(SeriesResult[] | Error)[]>;
}
