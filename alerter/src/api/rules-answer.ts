import { formatDuration } from '../../../model/src/duration.ts';
import type { Labels } from '../../../model/src/labels.ts';
import type { TrackedAlert } from '../../../rules/src/alert.ts';
import type { Rule } from '../../../rules/src/schema.ts';
import type { RuleStatus } from '../engine/engine.ts';
import { iso, isoField } from './answers.ts';
import type { Caller } from './auth.ts';

/** Pending and firing alerts counted by `keyOf` (a rule, an owning tenant). */
export function phaseCounts(
  alerts: readonly TrackedAlert[],
  keyOf: (a: TrackedAlert) => string,
): Map<string, { pending: number; firing: number }> {
  const counts = new Map<string, { pending: number; firing: number }>();
  for (const a of alerts) {
    const n = counts.get(keyOf(a)) ?? { pending: 0, firing: 0 };
    if (a.phase === 'pending') n.pending += 1;
    if (a.phase === 'firing') n.firing += 1;
    counts.set(keyOf(a), n);
  }
  return counts;
}

/** The last evaluation of the whole rule set: one batch, one time. */
export interface LastEvaluation {
  atMs: number;
  durationMs: number;
}

/** A rule's threshold as its file says it: a number, the owning tenant's own (with the default), or a factor of the median. */
const thresholdOf = (r: Rule): unknown =>
  typeof r.threshold === 'number'
    ? r.threshold
    : 'tenant' in r.threshold
      ? { tenant: r.threshold.tenant, default: r.threshold.default }
      : { median_over: r.threshold.median_over, factor: r.threshold.factor };

/**
 * GET /api/rules: the evaluation batch once (its time and duration), and per rule what it reads and decides
 * (metric, window, reduction, comparison, threshold, `for`), its health and its pending and firing alerts. An
 * operator also gets each rule's file:line and its error; a tenant gets neither (the server's paths and query
 * errors are not its business), and counts of its own alerts only.
 */
export function rulesAnswer(
  caller: Exclude<Caller, { role: 'none' }>,
  statuses: readonly RuleStatus[],
  rules: readonly Rule[],
  alerts: readonly TrackedAlert[],
  ownerOf: (labels: Labels) => string,
  last: LastEvaluation | undefined,
): { evaluation?: { at: string; durationMs: number }; rules: Record<string, unknown>[] } {
  const byName = new Map(rules.map((r) => [r.alert, r]));
  const seen = caller.role === 'tenant' ? alerts.filter((a) => ownerOf(a.labels) === caller.tenant) : alerts;
  const counts = phaseCounts(seen, (a) => a.rule);
  return {
    ...(last === undefined
      ? {}
      : { evaluation: { at: iso(last.atMs), durationMs: Math.round(last.durationMs) } }),
    rules: statuses.map((s) => {
      const r = byName.get(s.rule);
      const n = counts.get(s.rule) ?? { pending: 0, firing: 0 };
      return {
        rule: s.rule,
        severity: s.severity,
        audience: s.audience,
        ...(r === undefined
          ? {}
          : {
              metric: r.metric,
              window: formatDuration(r.window),
              reduce: r.reduce,
              op: r.op,
              threshold: thresholdOf(r),
              for: formatDuration(r.for),
              ...(r.and.length + r.unless.length === 0
                ? {}
                : { and: r.and.map((c) => c.metric), unless: r.unless.map((c) => c.metric) }),
            }),
        health: s.health,
        ...isoField('lastEvaluation', s.lastEvaluationMs),
        ...(caller.role === 'operator'
          ? { file: s.file, ...(s.error === undefined ? {} : { error: s.error }) }
          : {}),
        pending: n.pending,
        firing: n.firing,
      };
    }),
  };
}
