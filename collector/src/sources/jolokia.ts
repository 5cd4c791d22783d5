import type { JmxMetric } from '../../../model/src/jmx.ts';
import { parseObjectName } from '../../../model/src/mbean.ts';
import type { FieldValue, Sample } from '../../../model/src/sample.ts';
import { fetchBounded } from '../http-body.ts';
import type { HttpAccess } from '../http-body.ts';
import type { Source } from '../source.ts';

/** A Jolokia agent of one broker. */
export interface JolokiaTarget {
  cluster: string;
  broker: string;
  /** The agent's base URL, e.g. `http://host:8778/jolokia/`. */
  url: string;
  /** Its TLS and basic authentication, when it wants them. */
  access?: HttpAccess;
}

interface ReadRequest {
  type: 'read';
  mbean: string;
  attribute: string;
  path?: string;
}

interface ReadResponse {
  status: number;
  value?: unknown;
  error?: string;
}

/** The one bulk request that reads every catalog metric (never one request per MBean). */
export function bulkRequest(metrics: readonly JmxMetric[]): ReadRequest[] {
  return metrics.map((m) => ({
    type: 'read',
    mbean: m.mbean,
    attribute: m.attribute,
    ...(m.path === undefined ? {} : { path: m.path }),
  }));
}

/** The (bean name → number) pairs of a read answer: one for a plain read, one per bean for a pattern. */
function valuesOf(metric: JmxMetric, value: unknown): [string, number][] {
  if (typeof value === 'number') return [[metric.mbean, value]];
  if (value === null || typeof value !== 'object') return [];
  const out: [string, number][] = [];
  for (const [bean, attrs] of Object.entries(value as Record<string, unknown>)) {
    const v = (attrs as Record<string, unknown> | null)?.[metric.attribute];
    const n =
      metric.path !== undefined && v !== null && typeof v === 'object'
        ? (v as Record<string, unknown>)[metric.path]
        : v;
    if (typeof n === 'number') out.push([bean, n]);
  }
  return out;
}

/**
 * Maps a bulk answer to catalog samples. Each entry stands alone: a 404 for a bean this broker does not
 * have, or any other failed entry, is counted and the rest are kept.
 */
export function mapJolokia(
  metrics: readonly JmxMetric[],
  answers: readonly ReadResponse[],
  target: JolokiaTarget,
  timeMs: number,
): { samples: Sample[]; errorCount: number; firstError?: string } {
  const points = new Map<
    string,
    { measurement: string; tags: Record<string, string>; fields: Record<string, FieldValue> }
  >();
  let errorCount = 0;
  let firstError: string | undefined;
  metrics.forEach((metric, i) => {
    // An entry is whatever the agent sent: anything but an object with status 200 failed.
    const entry: unknown = answers[i];
    const answer = entry !== null && typeof entry === 'object' ? (entry as ReadResponse) : undefined;
    // A pattern that matches nothing (no topic has traffic yet) is an empty answer, not a failure.
    if (answer?.status === 404 && metric.mbean.includes('*')) return;
    if (answer === undefined || answer.status !== 200) {
      errorCount += 1;
      const why = typeof answer?.error === 'string' ? answer.error.slice(0, 200) : 'no answer';
      firstError ??= `${metric.mbean} ${metric.attribute}: ${why}`;
      return;
    }
    const wildcards = parseObjectName(metric.mbean).properties.filter(([, v]) => v === '*');
    for (const [bean, value] of valuesOf(metric, answer.value)) {
      if (!Number.isFinite(value)) continue;
      const tags: Record<string, string> = { cluster: target.cluster, broker: target.broker };
      let props: Map<string, string>;
      try {
        props = new Map(parseObjectName(bean).properties);
      } catch {
        errorCount += 1;
        firstError ??= `${metric.mbean} ${metric.attribute}: an answer for '${bean.slice(0, 100)}', not an MBean name`;
        continue;
      }
      for (const [k] of wildcards) tags[metric.wildcardTags?.[k] ?? k.toLowerCase()] = props.get(k) ?? '';
      tags.source = 'jolokia';
      const key = `${metric.measurement}\u0000${Object.values(tags).join('\u0000')}`;
      const point = points.get(key) ?? { measurement: metric.measurement, tags, fields: {} };
      point.fields[metric.field] = value * (metric.scale ?? 1);
      points.set(key, point);
    }
  });
  const samples = [...points.values()].map((p) => ({ ...p, timeMs }));
  return firstError === undefined ? { samples, errorCount } : { samples, errorCount, firstError };
}

/** A source that reads the catalog's metrics from one Jolokia agent in one bulk POST. */
export function jolokiaSource(target: JolokiaTarget, metrics: readonly JmxMetric[]): Source {
  const body = JSON.stringify(bulkRequest(metrics));
  return {
    cluster: target.cluster,
    target: `broker ${target.broker} ${new URL(target.url).host}`,
    broker: target.broker,
    kind: 'jolokia',
    async collect(nowMs, signal) {
      const text = await fetchBounded(target.url, 60_000, 16 * 2 ** 20, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
        signal,
        ...target.access,
      });
      let answers: unknown;
      try {
        answers = JSON.parse(text.toString('utf8'));
      } catch (error) {
        throw new Error(`Jolokia's answer is not JSON (${(error as Error).message})`);
      }
      if (!Array.isArray(answers))
        throw new Error('Jolokia answered with something other than a bulk response');
      const mapped = mapJolokia(metrics, answers as ReadResponse[], target, nowMs);
      return { ...mapped, exposed: metrics.length };
    },
  };
}
