import { inQuietHours } from '../../../model/src/tenants.ts';
import type { Tenant } from '../../../model/src/tenants.ts';

/** How often a group held by its tenant's quiet hours is looked at again. */
const QUIET_RECHECK_MS = 60_000;

/**
 * The quiet-hours stage: a tenant's group that is due while its quiet hours last waits; the time to look at it
 * again, or undefined when it may be told now (no tenant, no quiet hours, or outside them).
 */
export function heldByQuietHours(
  tenant: Pick<Tenant, 'quiet_hours'> | undefined,
  nowMs: number,
): number | undefined {
  return tenant !== undefined && inQuietHours(tenant, nowMs) ? nowMs + QUIET_RECHECK_MS : undefined;
}
