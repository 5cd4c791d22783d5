import { allSelected, allValue } from './panels.ts';

const unitSeconds: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400, w: 604_800 };

/** A relative range (`now-6h`) in seconds, with its InfluxQL duration (`6h`). */
export function rangeOf(from: string): { seconds: number; influx: string } {
  const [, n = '6', unit = 'h'] = /^now-(\d+)([smhdw])$/.exec(from) ?? [];
  return { seconds: Number(n) * (unitSeconds[unit] ?? 3_600), influx: `${n}${unit}` };
}

/** Grafana's `$__interval` for a range: the range over ~1,000 points, never below the datasource's minimum. */
export function grafanaInterval(from: string, minSeconds: number): number {
  return Math.max(minSeconds, Math.round(rangeOf(from).seconds / 1_000));
}

/** What a variable holds: one value, several (a multi-value variable), or `$__all` (its "All"). */
export type VariableValue = string | readonly string[];

const escapeRegex = (v: string): string => v.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * A variable's text inside a regex, as Grafana's InfluxDB datasource formats it: one value escaped; several
 * as `(a|b)`, each escaped; "All" (`$__all`) as the variable's `allValue`, unescaped.
 */
export function formatVariable(value: VariableValue): string {
  const values = typeof value === 'string' ? [value] : value;
  if (values.length === 1 && values[0] === allSelected) return allValue;
  if (typeof value === 'string') return escapeRegex(value);
  return `(${values.map(escapeRegex).join('|')})`;
}

/**
 * A query as Grafana sends it: `$timeFilter` over the dashboard's relative range, `$__interval` for that range,
 * template variables substituted as `formatVariable` writes them (they stand inside `/^…$/`). For tests and
 * benchmarks, which run the dashboards' queries without a Grafana.
 */
export function expandLikeGrafana(
  query: string,
  vars: Readonly<Record<string, VariableValue>>,
  from: string,
  minIntervalSeconds: number,
): string {
  let q = query
    .replaceAll('$timeFilter', `time >= now() - ${rangeOf(from).influx}`)
    .replaceAll('$__interval', `${grafanaInterval(from, minIntervalSeconds)}s`);
  for (const [name, value] of Object.entries(vars)) q = q.replaceAll(`$${name}`, formatVariable(value));
  return q;
}
