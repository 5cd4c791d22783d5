import { join } from 'node:path';
import { loadRules } from '../../rules/src/load.ts';
import type { Rule } from '../../rules/src/schema.ts';

const pack = join(import.meta.dirname, '..', '..', 'rules', 'kafka');
let rules: Rule[] | undefined;

/** A number threshold of the default pack's rule `alert` (panels color at the values that alert). */
export function ruleThreshold(alert: string): number {
  rules ??= loadRules([pack]).rules;
  const rule = rules.find((r) => r.alert === alert);
  if (rule === undefined) throw new Error(`the default pack has no rule ${alert}`);
  if (typeof rule.threshold !== 'number') throw new Error(`${alert}'s threshold is not a number`);
  return rule.threshold;
}
