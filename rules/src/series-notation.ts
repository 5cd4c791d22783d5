/**
 * promtool's series notation for rule tests: `measurement.field{tag="v"}` and values like `1 2 _ 3x4 0+10x5 9-1x3`
 * (`_` no sample; `NxK` N repeated K+1 times; `a+bxK`/`a-bxK` K+1 values stepping by b; `_xK` K+1 gaps).
 */

/** A test series: which metric, which tags. */
export interface SeriesName {
  measurement: string;
  field: string;
  tags: Record<string, string>;
}

/** Parses `measurement.field{tag="v",…}`, or says why not. */
export function parseSeriesName(text: string): SeriesName | string {
  const m = /^\s*([a-z_]+)\.([a-z0-9_]+)\s*(?:\{(.*)\})?\s*$/.exec(text);
  if (m === null) return `expected measurement.field{tag="value",…}, got ${JSON.stringify(text)}`;
  const tags: Record<string, string> = {};
  const body = (m[3] ?? '').trim();
  if (body !== '') {
    const re = /\s*([a-z_][a-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/gy;
    let at = 0;
    while (at < body.length) {
      re.lastIndex = at;
      const t = re.exec(body);
      if (t === null) return `cannot read the tags at ${JSON.stringify(body.slice(at))}`;
      tags[t[1] ?? ''] = (t[2] ?? '').replace(/\\(.)/g, '$1');
      at = re.lastIndex;
    }
  }
  return { measurement: m[1] ?? '', field: m[2] ?? '', tags };
}

/** Expands a values string into one entry per interval (`undefined` where there is no sample), or says why not. */
export function expandValues(text: string): (number | undefined)[] | string {
  const out: (number | undefined)[] = [];
  for (const token of text.trim().split(/\s+/)) {
    if (token === '') continue;
    if (token === '_') {
      out.push(undefined);
      continue;
    }
    const gap = /^_x(\d+)$/.exec(token);
    if (gap !== null) {
      for (let i = 0; i <= Number(gap[1]); i++) out.push(undefined);
      continue;
    }
    const series = /^(-?[\d.e+]+?)([+-][\d.e]+)?x(\d+)$/.exec(token);
    if (series !== null) {
      const start = Number(series[1]);
      const step = series[2] === undefined ? 0 : Number(series[2]);
      if (Number.isNaN(start) || Number.isNaN(step)) return `cannot read ${JSON.stringify(token)}`;
      for (let i = 0; i <= Number(series[3]); i++) out.push(start + step * i);
      continue;
    }
    const n = Number(token);
    if (Number.isNaN(n)) return `cannot read ${JSON.stringify(token)}: expected a number, _, NxK or a+bxK`;
    out.push(n);
  }
  return out;
}
