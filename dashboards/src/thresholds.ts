import { join } from 'node:path';
import { loadRules } from '../../rules/src/load.ts';
import type { Rule } from '../../rules/src/schema.ts';

const pack = join(import.meta.dirname, '..', '..', 'rules', 'kafka');
let rules: Rule[] | undefined;

/** The threshold of the default pack's rule `alert` (panels color at the values that alert). */
export function ruleThreshold(alert: string): number {
  rules ??= loadRules([pack]).rules;
  const rule = rules.find((r) => r.alert === alert);
  if (rule === undefined) throw new Error(`the default pack has no rule ${alert}`);
  const t = rule.threshold;
  if (typeof t === 'number') return t;
  // A tenant threshold colors at its default (what a tenant without its own value is alerted at).
  if ('default' in t) return t.default;
  throw new Error(`${alert}'s threshold is relative (a factor of a median), not a value`);
}
