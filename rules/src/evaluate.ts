import type { Labels } from '../../model/src/labels.ts';
import { labelsOf, queryOf, shapeKey, stepOf } from './query.ts';
import type { QueryPort, SeriesQuery, SeriesResult } from './query.ts';
import { aggregate, compare, median, reduceSteps } from './reduce.ts';
import { asCondition } from './schema.ts';
import type { Condition, Evidence, Rule } from './schema.ts';

/** One rule instance whose conditions hold now, with the evidence its annotations show. */
export interface Instance {
  labels: Labels;
  value: number;
  threshold: number;
  values: Record<string, number>;
  evidence: string[];
  /** The evidence rows behind `evidence`, largest first (at most 100): what an alert affects, by label. */
  affected?: EvidenceRow[];
  /** A `resolve_when` condition holds: the fault is seen gone (the instance does not fire). */
  cleared?: boolean;
}

/** One row of a rule's evidence block: the series' own labels (topic, log dir, …) and its value. */
export interface EvidenceRow {
  labels: Labels;
  value: number;
}

/** Looks up the owning tenant's threshold for a series' labels (`thresholds:` in the tenants catalog). */
export type TenantThresholds = (labels: Labels, name: string) => number | undefined;

/** One rule's outcome: its instances, or why it could not be evaluated. */
export type RuleOutcome = { ok: true; instances: Instance[] } | { ok: false; error: string };

type Values = Map<string, { labels: Labels; value: number }>;

const keyOf = (labels: Labels, tags: readonly string[]): string =>
  tags.map((t) => labels[t] ?? '').join('\u0000');

/** A query a rule needs, and where its field(s) sit in the merged query that answers it. */
interface Need {
  query: SeriesQuery;
  merged?: number;
}

/** Merges queries of the same shape into one statement selecting all their fields. */
function mergeNeeds(needs: readonly Need[]): SeriesQuery[] {
  const byShape = new Map<string, number>();
  const merged: SeriesQuery[] = [];
  for (const need of needs) {
    const key = shapeKey(need.query);
    let at = byShape.get(key);
    if (at === undefined) {
      at = merged.length;
      byShape.set(key, at);
      merged.push({ ...need.query, fields: [] });
    }
    const target = merged[at];
    for (const f of need.query.fields)
      if (target !== undefined && !target.fields.includes(f)) target.fields.push(f);
    need.merged = at;
  }
  return merged;
}

/** A point's value for a need's field (or field ratio); undefined when null or a zero divisor. */
function pointValue(
  values: readonly (number | null)[],
  f: number,
  g: number | undefined,
): number | undefined {
  const v = values[f];
  if (v === null || v === undefined) return undefined;
  if (g === undefined) return v;
  const d = values[g];
  return d === null || d === undefined || d === 0 ? undefined : v / d;
}

class Answers {
  constructor(
    private readonly merged: readonly SeriesQuery[],
    private readonly results: readonly (SeriesResult[] | Error)[],
  ) {}

  /** A need's answer: its series and the column(s) of its field (and divisor), or the statement's error. */
  of(need: Need): { series: SeriesResult[]; f: number; g: number | undefined } {
    const at = need.merged ?? -1;
    const result = this.results[at];
    const query = this.merged[at];
    if (result === undefined || query === undefined) throw new Error('query was not run');
    if (result instanceof Error) throw result;
    const [field = '', divisor] = need.query.fields;
    return {
      series: result,
      f: query.fields.indexOf(field),
      g: divisor === undefined ? undefined : query.fields.indexOf(divisor),
    };
  }
}

/** One value per series: the direct reduction's single point, or the stepped reduction over its buckets. */
function seriesValue(
  c: Condition,
  step: number | undefined,
  s: SeriesResult,
  f: number,
  g: number | undefined,
  nowMs: number,
): number | undefined {
  if (step === undefined) {
    const p = s.points[0];
    return p === undefined ? undefined : pointValue(p.values, f, g);
  }
  const points: { timeMs: number; value: number }[] = [];
  for (const p of s.points) {
    const value = pointValue(p.values, f, g);
    if (value !== undefined) points.push({ timeMs: p.timeMs, value });
  }
  return reduceSteps(c.reduce, points, nowMs, c.horizon);
}

function conditionValues(
  c: Condition,
  answers: Answers,
  need: Need,
  nowMs: number,
  by: readonly string[],
  only?: ReadonlySet<string>,
): Values {
  const { series, f, g } = answers.of(need);
  const step = stepOf(c);
  const keyed = by.length === need.query.groupBy.length && by.every((t, i) => need.query.groupBy[i] === t);
  const groups = new Map<string, { labels: Labels; values: number[] }>();
  for (const s of series) {
    const key = keyed && s.key !== undefined ? s.key : keyOf(s.tags, by);
    if (only !== undefined && !only.has(key)) continue;
    const value = seriesValue(c, step, s, f, g, nowMs);
    if (value === undefined || Number.isNaN(value)) continue;
    const group = groups.get(key);
    // With the same tags as the query's grouping, the series' own tags are the labels (no copy).
    if (group === undefined) groups.set(key, { labels: keyed ? s.tags : pick(s.tags, by), values: [value] });
    else group.values.push(value);
  }
  const out: Values = new Map();
  for (const [key, group] of groups)
    out.set(key, {
      labels: group.labels,
      value:
        group.values.length === 1 && c.aggregate !== 'count'
          ? (group.values[0] ?? 0)
          : aggregate(c.aggregate, group.values),
    });
  return out;
}

const pick = (tags: Readonly<Record<string, string>>, by: readonly string[]): Labels => {
  const out: Record<string, string> = {};
  for (const t of by) out[t] = tags[t] ?? '';
  return out;
};

function thresholdsOf(c: Condition, values: Values, tenants: TenantThresholds): Map<string, number> {
  const t = c.threshold;
  const out = new Map<string, number>();
  if (typeof t === 'number') {
    for (const key of values.keys()) out.set(key, t);
  } else if ('tenant' in t) {
    for (const [key, v] of values) out.set(key, tenants(v.labels, t.tenant) ?? t.default);
  } else {
    const peers = new Map<string, number[]>();
    for (const v of values.values()) {
      const k = keyOf(v.labels, t.median_over);
      peers.set(k, [...(peers.get(k) ?? []), v.value]);
    }
    for (const [key, v] of values)
      out.set(key, t.factor * median(peers.get(keyOf(v.labels, t.median_over)) ?? [0]));
  }
  return out;
}

/** The keys of values whose condition holds, with the threshold each was held to. */
function holding(c: Condition, values: Values, tenants: TenantThresholds): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, threshold] of thresholdsOf(c, values, tenants)) {
    const v = values.get(key);
    if (v !== undefined && compare(v.value, c.op, threshold)) out.set(key, threshold);
  }
  return out;
}

function evidenceOf(
  e: Evidence,
  answers: Answers,
  need: Need,
  instance: Labels,
): { evidence: string[]; affected: EvidenceRow[] } {
  const shared = e.by.filter((t) => t in instance);
  const rows: { text: string; value: number; labels: Labels }[] = [];
  const { series, f } = answers.of(need);
  for (const s of series) {
    const value = s.points[0]?.values[f] ?? undefined;
    if (value === undefined || !compare(value, e.op, e.threshold)) continue;
    if (shared.some((t) => s.tags[t] !== instance[t])) continue;
    const own = e.by.filter((t) => !shared.includes(t));
    rows.push({
      text: `${own.map((t) => `${t}=${s.tags[t] ?? ''}`).join(' ')}: ${formatValue(value)}`,
      value,
      labels: Object.fromEntries(own.map((t) => [t, s.tags[t] ?? ''])),
    });
  }
  rows.sort((a, b) => b.value - a.value);
  const shown = rows.slice(0, e.limit).map((r) => r.text);
  if (rows.length > e.limit) shown.push(`… and ${rows.length - e.limit} more`);
  return { evidence: shown, affected: rows.slice(0, 100).map((r) => ({ labels: r.labels, value: r.value })) };
}

/** A number for a human: integers as they are, others to 3 significant digits. */
export function formatValue(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Number(v.toPrecision(3)).toString();
}

interface RulePlan {
  rule: Rule;
  by: string[];
  main: Need;
  absent?: Need;
  and: { c: Condition; need: Need; by: string[] }[];
  unless: { c: Condition; need: Need; by: string[] }[];
  clear: { c: Condition; need: Need; by: string[] }[];
  context: { c: Condition; need: Need; by: string[] }[];
  evidence?: Need;
}

function planRule(rule: Rule, nowMs: number): RulePlan {
  const by = labelsOf(rule);
  const side = (c: Condition): { c: Condition; need: Need; by: string[] } => ({
    c,
    need: { query: queryOf(c, nowMs) },
    by: labelsOf(c, by),
  });
  const e = rule.evidence;
  return {
    rule,
    by,
    main: { query: queryOf(rule, nowMs) },
    ...(rule.absent === undefined
      ? {}
      : {
          absent: {
            query: { ...queryOf({ ...rule, reduce: 'count' }, nowMs, rule.absent.lookback) },
          },
        }),
    and: rule.and.map(side),
    unless: rule.unless.map(side),
    clear: rule.resolve_when.map(side),
    context: rule.context.map((c) => side(asCondition(c))),
    ...(e === undefined
      ? {}
      : {
          evidence: {
            query: queryOf(
              {
                ...e,
                aggregate: 'max',
                ratio_to: undefined,
                name: undefined,
                step: undefined,
                horizon: undefined,
                absent: undefined,
              },
              nowMs,
            ),
          },
        }),
  };
}

function evaluatePlanned(
  p: RulePlan,
  answers: Answers,
  nowMs: number,
  tenants: TenantThresholds,
): Instance[] {
  const { rule, by } = p;
  const values = conditionValues(rule, answers, p.main, nowMs, by);
  if (p.absent !== undefined && rule.absent !== undefined) {
    for (const s of answers.of(p.absent).series) {
      const key = keyOf(s.tags, by);
      if (!values.has(key)) values.set(key, { labels: pick(s.tags, by), value: rule.absent.value });
    }
  }
  const held = holding(rule, values, tenants);
  if (held.size === 0) return [];
  // Side conditions on the instance's own labels are read for the held instances only (a median threshold
  // needs every peer, so those are read whole).
  const heldKeys = new Set(held.keys());
  const sides = (
    list: RulePlan['and'],
  ): { c: Condition; by: string[]; same: boolean; values: Values; held: Map<string, number> }[] =>
    list.map((s) => {
      const same = s.by.length === by.length && s.by.every((t, i) => by[i] === t);
      const whole = typeof s.c.threshold === 'object' && 'median_over' in s.c.threshold;
      const v = conditionValues(s.c, answers, s.need, nowMs, s.by, same && !whole ? heldKeys : undefined);
      return { c: s.c, by: s.by, same, values: v, held: holding(s.c, v, tenants) };
    });
  const ands = sides(p.and);
  const unlesses = sides(p.unless);
  const clears = sides(p.clear);
  const context = sides(p.context);
  const out: Instance[] = [];
  for (const [key, threshold] of held) {
    const main = values.get(key);
    if (main === undefined) continue;
    const named: Record<string, number> = {};
    let ok = true;
    for (const a of ands) {
      const k = a.same ? key : keyOf(main.labels, a.by);
      const v = a.values.get(k);
      if (v === undefined || !a.held.has(k)) ok = false;
      else if (a.c.name !== undefined) named[a.c.name] = v.value;
    }
    for (const u of unlesses) {
      const k = u.same ? key : keyOf(main.labels, u.by);
      if (u.held.has(k)) ok = false;
    }
    if (!ok) continue;
    for (const c of context) {
      const v = c.values.get(c.same ? key : keyOf(main.labels, c.by));
      if (v !== undefined && c.c.name !== undefined) named[c.c.name] = v.value;
    }
    if (rule.name !== undefined) named[rule.name] = main.value;
    const cleared = clears.some((c) => c.held.has(c.same ? key : keyOf(main.labels, c.by)));
    const shown =
      p.evidence === undefined || rule.evidence === undefined
        ? { evidence: [] }
        : evidenceOf(rule.evidence, answers, p.evidence, main.labels);
    out.push({
      labels: main.labels,
      value: main.value,
      threshold,
      values: named,
      ...shown,
      ...(cleared ? { cleared } : {}),
    });
  }
  return out;
}

/**
 * Evaluates rules at `nowMs`: plans every query they need, merges those of the same shape, runs them as one
 * batch through the port, then decides each rule. A query's failure fails only the rules that needed it.
 */
export async function evaluateRules(
  rules: readonly Rule[],
  port: QueryPort,
  nowMs: number,
  tenants: TenantThresholds = () => undefined,
): Promise<Map<string, RuleOutcome>> {
  const plans = rules.map((r) => planRule(r, nowMs));
  const needs = plans.flatMap((p) => [
    p.main,
    ...(p.absent === undefined ? [] : [p.absent]),
    ...p.and.map((s) => s.need),
    ...p.unless.map((s) => s.need),
    ...p.clear.map((s) => s.need),
    ...p.context.map((s) => s.need),
    ...(p.evidence === undefined ? [] : [p.evidence]),
  ]);
  const merged = mergeNeeds(needs);
  const answers = new Answers(merged, await port.run(merged));
  const out = new Map<string, RuleOutcome>();
  for (const p of plans) {
    try {
      out.set(p.rule.alert, { ok: true, instances: evaluatePlanned(p, answers, nowMs, tenants) });
    } catch (err) {
      out.set(p.rule.alert, { ok: false, error: (err as Error).message });
    }
  }
  return out;
}
