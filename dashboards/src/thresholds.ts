import { join } from 'node:path';
import { loadRules } from '../../rules/src/load.ts';
import type { Rule } from '../../rules/src/schema.ts';
import { steps } from './panels.ts';

const pack = join(import.meta.dirname, '..', '..', 'rules', 'kafka');
let rules: Rule[] | undefined;

function packRule(alert: string): Rule {
  rules ??= loadRules([pack]).rules;
  const rule = rules.find((r) => r.alert === alert);
  if (rule === undefined) throw new Error(`the default pack has no rule ${alert}`);
  return rule;
}

/** The horizon (seconds) of the default pack's predicting rule `alert` (disk full within it). */
export function ruleHorizonSeconds(alert: string): number {
  const { horizon } = packRule(alert);
  if (horizon === undefined) throw new Error(`${alert} has no horizon`);
  return horizon / 1000;
}

/** The threshold of the default pack's rule `alert` (panels color at the values that alert). */
export function ruleThreshold(alert: string): number {
  const t = packRule(alert).threshold;
  if (typeof t === 'number') return t;
  // A tenant threshold colors at its default (what a tenant without its own value is alerted at).
  if ('default' in t) return t.default;
  throw new Error(`${alert}'s threshold is relative (a factor of a median), not a value`);
}

/** Disk used (a ratio) colored at the pack's ticket (orange) and page (red) thresholds. */
export const diskUsedSteps = () =>
  steps(
    [null, 'green'],
    [ruleThreshold('KafkaDiskUsedHigh'), 'orange'],
    [ruleThreshold('KafkaDiskUsedCritical'), 'red'],
  );
