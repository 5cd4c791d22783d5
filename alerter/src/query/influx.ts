import { basicAuthHeaders } from '../../../model/src/basic-auth.ts';
import { decodeTagValue } from '../../../model/src/tag-value.ts';
import type { MemoryPoint } from '../../../rules/src/memory-port.ts';
import { influxql, quoteIdent, StoreUnreachable, tagEquals } from '../../../rules/src/query.ts';
import type { QueryPort, SeriesQuery, SeriesResult } from '../../../rules/src/query.ts';

/** Where the alerter reads. */
export interface InfluxSource {
  url: string;
  database: string;
  username?: string;
  password?: string;
  timeoutMs?: number;
}

interface RawSeries {
  tags?: Record<string, string>;
  columns: string[];
  values: (number | string | null)[][];
}
interface RawResult {
  statement_id: number;
  series?: RawSeries[];
  error?: string;
  partial?: boolean;
}

async function post(source: InfluxSource, q: string): Promise<RawResult[]> {
  const body = new URLSearchParams({ db: source.database, q, epoch: 'ms' });
  let res: Response;
  try {
    res = await fetch(new URL('/query', source.url), {
      method: 'POST',
      headers: basicAuthHeaders(source.username, source.password),
      body,
      signal: AbortSignal.timeout(source.timeoutMs ?? 10_000),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    throw new StoreUnreachable(
      `InfluxDB at ${new URL(source.url).host} cannot be reached: ${cause ?? (err as Error).message}`,
    );
  }
  const text = await res.text();
  if (res.status >= 500 || (res.status >= 400 && res.status !== 400))
    throw new StoreUnreachable(
      `InfluxDB at ${new URL(source.url).host} answered ${res.status}: ${text.slice(0, 200)}`,
    );
  try {
    const parsed = JSON.parse(text) as { results?: RawResult[]; error?: string };
    if (parsed.error === undefined) return parsed.results ?? [];
    throw new Error(`InfluxDB refused the queries: ${parsed.error}`);
  } catch (err) {
    if (err instanceof SyntaxError)
      throw new StoreUnreachable(
        `InfluxDB at ${new URL(source.url).host} answered something that is not JSON`,
      );
    throw err;
  }
}

/**
 * A database the collector has not created yet holds no data: that is "nothing collected", which the rules
 * read as such (LookoutDataStale needs data in the last hour), not every rule failing at once.
 */
const notCreatedYet = (error: string): boolean => error.startsWith('database not found');

/** One series' newest point: its group-by tags (decoded), its time and every column as InfluxDB answered it. */
export interface NewestRow {
  tags: Record<string, string>;
  timeMs: number;
  values: Record<string, unknown>;
}

/** The newest point since `fromMs` of each series (by `groupBy` tags) where the tags equal `eq`. */
export type NewestRows = (
  measurement: string,
  eq: Readonly<Record<string, string>>,
  groupBy: readonly string[],
  fromMs: number,
) => Promise<NewestRow[]>;

/** A series' tags as the names they were stored for. */
function decodedTags(tags: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags ?? {})) out[k] = decodeTagValue(v);
  return out;
}

function seriesOf(raw: RawResult, q: SeriesQuery): SeriesResult[] | Error {
  if (raw.error !== undefined && notCreatedYet(raw.error)) return [];
  if (raw.error !== undefined) return new Error(`InfluxDB: ${raw.error}`);
  if (raw.partial === true)
    return new Error('InfluxDB returned a partial answer (row limit): the query is too wide');
  return (raw.series ?? []).map((s) => {
    const index = q.fields.map((f) => s.columns.indexOf(f));
    return {
      tags: { ...Object.fromEntries(q.groupBy.map((t) => [t, ''])), ...decodedTags(s.tags) },
      points: s.values.map((row) => ({
        timeMs: Number(row[0]),
        values: index.map((i) => {
          const v = row[i];
          return typeof v === 'number' ? v : null;
        }),
      })),
    };
  });
}

/**
 * The query port over InfluxDB's /query: the batch goes as one request of `;`-separated statements. A statement
 * that fails fails its rules only; a store that cannot be asked rejects the whole batch with StoreUnreachable.
 */
export function influxQueryPort(source: InfluxSource): QueryPort & {
  latestMs(measurement: string, field: string, where?: string): Promise<number | undefined>;
  countAt(measurement: string, field: string, timeMs: number, where?: string): Promise<number>;
  newestRows: NewestRows;
} {
  return {
    async run(queries) {
      if (queries.length === 0) return [];
      const results = await post(source, queries.map(influxql).join(';\n'));
      return queries.map((q, i) => {
        const raw = results.find((r) => r.statement_id === i);
        return raw === undefined ? new Error('InfluxDB gave no answer for this statement') : seriesOf(raw, q);
      });
    },
    /** Time of the newest point of a field in the last hour (the collector's cycle marker), `where` it holds. */
    async latestMs(measurement, field, where) {
      const [raw] = await post(
        source,
        `SELECT last("${field}") FROM "${measurement}" WHERE time > now() - 1h${where === undefined ? '' : ` AND ${where}`}`,
      );
      const t = raw?.series?.[0]?.values[0]?.[0];
      return typeof t === 'number' ? t : undefined;
    },
    /**
     * The newest point since `fromMs` of each series (by `groupBy` tags) where the tags equal `eq`: every column,
     * strings too (what the rules' numeric port leaves out: a lag's method, a member's client id).
     */
    async newestRows(measurement, eq, groupBy, fromMs) {
      const where = [
        `time > ${Math.round(fromMs)}ms`,
        ...Object.entries(eq).map(([k, v]) => tagEquals(k, v)),
      ];
      const by = groupBy.length === 0 ? '' : ` GROUP BY ${groupBy.map(quoteIdent).join(', ')}`;
      const [raw] = await post(
        source,
        `SELECT * FROM ${quoteIdent(measurement)} WHERE ${where.join(' AND ')}${by} ORDER BY time DESC LIMIT 1`,
      );
      if (raw?.error !== undefined && notCreatedYet(raw.error)) return [];
      if (raw?.error !== undefined) throw new Error(`InfluxDB: ${raw.error}`);
      return (raw?.series ?? []).flatMap((s) => {
        const row = s.values[0];
        if (row === undefined) return [];
        const values: Record<string, unknown> = {};
        s.columns.forEach((c, i) => (values[c] = row[i]));
        return [{ tags: decodedTags(s.tags), timeMs: Number(row[0]), values }];
      });
    },
    /** How many points of a field have exactly the time `timeMs` (a cycle's records landed so far), `where` it holds. */
    async countAt(measurement, field, timeMs, where) {
      const at = Math.round(timeMs);
      const [raw] = await post(
        source,
        `SELECT count("${field}") FROM "${measurement}" WHERE time >= ${at}ms AND time <= ${at}ms${where === undefined ? '' : ` AND ${where}`}`,
      );
      const n = raw?.series?.[0]?.values[0]?.[1];
      return typeof n === 'number' ? n : 0;
    },
  };
}

/** Reads a measurement's raw points in a time range: fields and tags named, no aggregation. */
export type RawReader = (
  measurement: string,
  fields: readonly string[],
  tags: readonly string[],
  fromMs: number,
  toMs: number,
) => Promise<MemoryPoint[] | Error>;

/**
 * Raw reads over /query (`SELECT fields, tags FROM m WHERE time > from AND time <= to`): what the alerter's window
 * cache is fed with. Rejects with StoreUnreachable when InfluxDB cannot be asked; a refused statement is an Error.
 */
export function influxRawReader(source: InfluxSource): RawReader {
  return async (measurement, fields, tags, fromMs, toMs) => {
    const ns = (ms: number): string => `${BigInt(Math.round(ms)) * 1_000_000n}`;
    const columns = [...fields, ...tags].map(quoteIdent).join(', ');
    const [raw] = await post(
      source,
      `SELECT ${columns} FROM ${quoteIdent(measurement)} WHERE time > ${ns(fromMs)} AND time <= ${ns(toMs)}`,
    );
    if (raw === undefined) return new Error('InfluxDB gave no answer');
    if (raw.error !== undefined && notCreatedYet(raw.error)) return [];
    if (raw.error !== undefined) return new Error(`InfluxDB: ${raw.error}`);
    if (raw.partial === true) return new Error('InfluxDB returned a partial answer (row limit)');
    const out: MemoryPoint[] = [];
    for (const s of raw.series ?? []) {
      const fi = fields.map((f) => s.columns.indexOf(f));
      const ti = tags.map((t) => s.columns.indexOf(t));
      for (const row of s.values) {
        const values: Record<string, number> = {};
        fi.forEach((i, k) => {
          const v = row[i];
          if (typeof v === 'number') values[fields[k] ?? ''] = v;
        });
        const tagValues: Record<string, string> = {};
        ti.forEach((i, k) => {
          const v = row[i] as unknown;
          if (typeof v === 'string' && v !== '') tagValues[tags[k] ?? ''] = decodeTagValue(v);
        });
        out.push({ measurement, tags: tagValues, timeMs: Number(row[0]), fields: values });
      }
    }
    return out;
  };
}

/** Writes a line-protocol body (ms timestamps) to the alerter's database; rejects when it was not stored. */
export function influxLineWriter(source: InfluxSource): (body: string) => Promise<void> {
  return async (body) => {
    const params = new URLSearchParams({ db: source.database, precision: 'ms' });
    const res = await fetch(new URL(`/write?${params.toString()}`, source.url), {
      method: 'POST',
      headers: basicAuthHeaders(source.username, source.password),
      body,
      signal: AbortSignal.timeout(source.timeoutMs ?? 10_000),
    });
    if (res.status !== 204)
      throw new Error(`InfluxDB at ${new URL(source.url).host} answered ${res.status} to a write`);
  };
}
