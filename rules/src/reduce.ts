import type { Reduction } from './schema.ts';

/** A series' points as (time, value), oldest first; nulls already dropped. */
export type Points = readonly { timeMs: number; value: number }[];

function steps(points: Points): number[] {
  const out: number[] = [];
  for (let i = 1; i < points.length; i++) out.push((points[i]?.value ?? 0) - (points[i - 1]?.value ?? 0));
  return out;
}

/** Counter increase with resets (a fall) counted as a restart from zero, as Prometheus's `increase`. */
function increase(points: Points): number {
  let total = 0;
  for (let i = 1; i < points.length; i++) {
    const prev = points[i - 1]?.value ?? 0;
    const cur = points[i]?.value ?? 0;
    total += cur >= prev ? cur - prev : cur;
  }
  return total;
}

/** Least-squares line through the points, read at `atMs`. */
function predictLinear(points: Points, atMs: number): number | undefined {
  const n = points.length;
  if (n < 2) return undefined;
  const t0 = points[0]?.timeMs ?? 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    const x = (p.timeMs - t0) / 1000;
    sx += x;
    sy += p.value;
    sxx += x * x;
    sxy += x * p.value;
  }
  const den = n * sxx - sx * sx;
  if (den === 0) return undefined;
  const slope = (n * sxy - sx * sy) / den;
  const intercept = (sy - slope * sx) / n;
  return intercept + slope * ((atMs - t0) / 1000);
}

/**
 * A stepped reduction over bucketed points (one `last` per step), or undefined when the points cannot say
 * (fewer than two). Direct reductions (last, max, …) are done by the query itself and arrive as one point.
 */
export function reduceSteps(
  reduction: Reduction,
  points: Points,
  nowMs: number,
  horizonMs = 0,
): number | undefined {
  if (points.length < 2) return undefined;
  const first = points[0]?.value ?? 0;
  const last = points[points.length - 1]?.value ?? 0;
  switch (reduction) {
    case 'delta':
      return last - first;
    case 'increase':
      return increase(points);
    case 'rate': {
      const span = ((points[points.length - 1]?.timeMs ?? 0) - (points[0]?.timeMs ?? 0)) / 1000;
      return span > 0 ? increase(points) / span : undefined;
    }
    case 'min_step':
      return steps(points).reduce((a, b) => (b < a ? b : a), Infinity);
    case 'predict_linear':
      return predictLinear(points, nowMs + horizonMs);
    case 'span':
      // Seconds between the first and the last step with data: how long the window has watched the series
      // (shorter than the window for a series younger than it).
      return ((points[points.length - 1]?.timeMs ?? 0) - (points[0]?.timeMs ?? 0)) / 1000;
    default:
      return undefined;
  }
}

/** Several series' values for one instance made into one. */
export function aggregate(
  fn: 'max' | 'min' | 'sum' | 'avg' | 'count' | 'median',
  values: readonly number[],
): number {
  switch (fn) {
    case 'max':
      return values.reduce((a, b) => (b > a ? b : a), -Infinity);
    case 'min':
      return values.reduce((a, b) => (b < a ? b : a), Infinity);
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'avg':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'count':
      return values.length;
    case 'median':
      return median(values);
  }
}

/** The median of values (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Whether `value op threshold` holds. */
export function compare(
  value: number,
  op: '>' | '>=' | '<' | '<=' | '==' | '!=',
  threshold: number,
): boolean {
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}
