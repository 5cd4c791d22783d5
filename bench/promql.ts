import { formatDuration } from '../model/src/duration.ts';
import { labelsOf, stepOf } from '../rules/src/query.ts';
import type { Condition, Matcher, Rule } from '../rules/src/schema.ts';

/**
 * The default pack as Prometheus alerting rules, for the rule-evaluation benchmark's peer: each rule translated
 * mechanically to PromQL over series named `measurement_field`. Close, not identical: PromQL's `delta` and
 * `increase` extrapolate to the window's edges, its regexes are anchored (ours are wrapped in `.*`), and a
 * tenant's own threshold is its default (Prometheus has no tenants catalog).
 */
function selector(c: Pick<Condition, 'where'>, metric: string): string {
  const matchers = Object.entries(c.where).map(([tag, m]: [string, Matcher]) => {
    if (typeof m === 'string') return `${tag}=${JSON.stringify(m)}`;
    if ('re' in m) return `${tag}=~${JSON.stringify(`.*(?:${m.re}).*`)}`;
    if ('not' in m) return `${tag}!=${JSON.stringify(m.not)}`;
    return `${tag}=~${JSON.stringify(m.in.join('|'))}`;
  });
  return `${metric.replace('.', '_')}{${matchers.join(',')}}`;
}

function rangeOf(c: Condition, metric: string): string {
  if (c.offset !== undefined) throw new Error(`${metric}: a condition with an offset is not translated`);
  const s = selector(c, metric);
  const w = formatDuration(c.window);
  const step = formatDuration(stepOf(c) ?? c.window);
  switch (c.reduce) {
    case 'last':
      return `last_over_time(${s}[${w}])`;
    case 'first':
    case 'min':
      return `min_over_time(${s}[${w}])`;
    case 'max':
      return `max_over_time(${s}[${w}])`;
    case 'avg':
      return `avg_over_time(${s}[${w}])`;
    case 'sum':
      return `sum_over_time(${s}[${w}])`;
    case 'count':
      return `count_over_time(${s}[${w}])`;
    case 'delta':
      return `delta(${s}[${w}])`;
    case 'increase':
      return `increase(${s}[${w}])`;
    case 'rate':
      return `rate(${s}[${w}])`;
    case 'min_step':
      return `min_over_time((${s} - ${s} offset ${step})[${w}:${step}])`;
    case 'predict_linear':
      return `predict_linear(${s}[${w}], ${(c.horizon ?? 0) / 1000})`;
    case 'span':
      return `(timestamp(${s}) - min_over_time(timestamp(${s})[${w}:${step}]))`;
  }
}

function valueOf(c: Condition, by: readonly string[]): string {
  const [measurement] = c.metric.split('.');
  const inner =
    c.ratio_to === undefined
      ? rangeOf(c, c.metric)
      : `(${rangeOf(c, c.metric)} / ${rangeOf(c, `${measurement}.${c.ratio_to}`)})`;
  const agg = c.aggregate === 'median' ? 'quantile' : c.aggregate;
  const args = c.aggregate === 'median' ? `0.5, ${inner}` : inner;
  return `${agg} by (${by.join(', ')}) (${args})`;
}

function conditionOf(c: Condition, by: readonly string[]): string {
  const v = valueOf(c, by);
  const t = c.threshold;
  const held =
    typeof t === 'number'
      ? `${v} ${c.op} ${t}`
      : 'tenant' in t
        ? `${v} ${c.op} ${t.default}`
        : `${v} ${c.op} on(${t.median_over.join(', ')}) group_left ${t.factor} * quantile by (${t.median_over.join(', ')}) (0.5, ${v})`;
  if (c.absent === undefined) return held;
  const seen = `group by (${by.join(', ')}) (last_over_time(${selector(c, c.metric)}[${formatDuration(c.absent.lookback)}]))`;
  return `(${v} or on(${by.join(', ')}) (0 * ${seen} + ${c.absent.value})) ${c.op} ${typeof t === 'number' ? t : 0}`;
}

/** One rule as a Prometheus alerting rule (YAML, inside a group). */
export function promRule(r: Rule): string {
  const by = labelsOf(r);
  let expr = `(${conditionOf(r, by)})`;
  for (const c of r.and)
    expr += ` and on(${labelsOf(c, by).join(', ')}) (${conditionOf(c, labelsOf(c, by))})`;
  // Prometheus has no resolve condition: resolve_when goes in as `unless`, the nearest PromQL doing the same reads.
  for (const c of [...r.unless, ...r.resolve_when])
    expr += ` unless on(${labelsOf(c, by).join(', ')}) (${conditionOf(c, labelsOf(c, by))})`;
  return [
    `      - alert: ${r.alert}`,
    `        expr: ${JSON.stringify(expr)}`,
    `        for: ${formatDuration(r.for)}`,
    `        labels: { severity: ${r.severity} }`,
  ].join('\n');
}

/**
 * The pack as a Prometheus rule file in one group, evaluated every `interval`. Prometheus runs a group's rules
 * one after another and its groups concurrently; one group makes its evaluation sequential, as ours is, so the
 * group's duration is the wall-clock time of one evaluation round.
 */
export function promRuleFile(rules: readonly Rule[], intervalMs: number): string {
  const out = [
    'groups:',
    '  - name: "lookout-pack"',
    `    interval: ${formatDuration(intervalMs)}`,
    '    rules:',
  ];
  for (const r of rules) out.push(promRule(r));
  return `${out.join('\n')}\n`;
}
