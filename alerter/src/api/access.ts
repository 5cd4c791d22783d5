import type { Tenant } from '../../../model/src/tenants.ts';
import type { Caller } from './auth.ts';
import { ApiError } from './errors.ts';

/** Failed tokens one address may send in a window before its requests are refused until the window ends. */
export const failedTokenLimit = { failures: 20, windowMs: 60_000 };
/** Addresses remembered at most (the oldest windows are forgotten first). */
const maxAddresses = 10_000;

/**
 * Who may read and write what, per request: the caller of a token, 401 without a known one, 403 for the wrong
 * role or another tenant's data, and, after 20 failed tokens in a minute from one address, 429 for every request
 * of that address until its minute ends (guessing tokens is slowed to 20 a minute). A tenant token asking for a
 * tenant not its own is answered 403 whether that tenant exists or not. Time is an argument.
 */
export class Access {
  private readonly failures = new Map<string, { since: number; count: number }>();

  constructor(
    private readonly callerOf: (authorization: string | undefined) => Caller,
    private readonly tenants: () => readonly Tenant[],
    private readonly clock: () => number,
  ) {}

  /** The caller of a request (throws 429 while its address is held back). */
  caller(authorization: string | undefined, address: string): Caller {
    const now = this.clock();
    const held = this.failures.get(address);
    if (held !== undefined && now - held.since >= failedTokenLimit.windowMs) this.failures.delete(address);
    const f = this.failures.get(address);
    if (f !== undefined && f.count >= failedTokenLimit.failures)
      throw new ApiError(
        429,
        `too many unknown tokens from this address: retry in ${Math.ceil((f.since + failedTokenLimit.windowMs - now) / 1_000)} s`,
      );
    const c = this.callerOf(authorization);
    if (c.role === 'none' && authorization !== undefined) this.failed(address, now);
    return c;
  }

  /** A caller with a token; with `tenant`, one that may read it (a tenant token only its own). */
  reader(
    authorization: string | undefined,
    address: string,
    tenant?: string,
  ): Exclude<Caller, { role: 'none' }> {
    const c = this.caller(authorization, address);
    if (c.role === 'none') throw new ApiError(401, c.reason);
    if (tenant === undefined) return c;
    if (c.role === 'tenant' && tenant !== c.tenant)
      throw new ApiError(403, `this token reads only tenant ${c.tenant}`);
    if (!this.tenants().some((t) => t.name === tenant)) throw new ApiError(404, `no tenant named ${tenant}`);
    return c;
  }

  /** The operator, or 401/403. */
  operator(authorization: string | undefined, address: string): void {
    const c = this.reader(authorization, address);
    if (c.role !== 'operator') throw new ApiError(403, 'this needs the operator token');
  }

  private failed(address: string, now: number): void {
    const f = this.failures.get(address) ?? { since: now, count: 0 };
    f.count += 1;
    this.failures.delete(address);
    this.failures.set(address, f);
    if (this.failures.size > maxAddresses) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
  }
}
