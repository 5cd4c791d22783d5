import type { Labels } from '../../../model/src/labels.ts';
import type { Tenant } from '../../../model/src/tenants.ts';
import type { TrackedAlert } from '../../../rules/src/alert.ts';
import type { Caller } from './auth.ts';
import { phaseCounts } from './rules-answer.ts';

/** GET /api/tenants: every tenant for the operator, its own for a tenant token; each with its alerts' counts. */
export function tenantsAnswer(
  caller: Exclude<Caller, { role: 'none' }>,
  tenants: readonly Tenant[],
  alerts: readonly TrackedAlert[],
  ownerOf: (labels: Labels) => string,
): Record<string, unknown>[] {
  const counts = phaseCounts(alerts, (a) => ownerOf(a.labels));
  return tenants
    .filter((t) => caller.role === 'operator' || t.name === caller.tenant)
    .map((t) => ({
      name: t.name,
      contacts: t.contacts,
      topics: t.topics,
      groups: t.groups,
      thresholds: t.thresholds,
      ...(t.quiet_hours === undefined ? {} : { quiet_hours: t.quiet_hours }),
      alerts: counts.get(t.name) ?? { pending: 0, firing: 0 },
    }));
}
