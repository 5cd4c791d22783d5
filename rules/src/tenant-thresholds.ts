import type { Rule } from './schema.ts';

/**
 * The tenant threshold names the rules read (`threshold: { tenant: NAME }`, in a rule's own condition, its `and`,
 * `unless` and `resolve_when`): the only names a tenants catalog's `thresholds` may set — any other is a
 * misspelling that no rule would ever read.
 */
export function tenantThresholdNames(rules: readonly Rule[]): string[] {
  const names = new Set<string>();
  for (const r of rules)
    for (const c of [r, ...r.and, ...r.unless, ...r.resolve_when])
      if (typeof c.threshold === 'object' && 'tenant' in c.threshold) names.add(c.threshold.tenant);
  return [...names].sort();
}
