import { timingSafeEqual } from 'node:crypto';

/** Who a request is: an operator (everything), a tenant (only its own), or nobody. */
export type Caller =
  { role: 'operator' } | { role: 'tenant'; tenant: string } | { role: 'none'; reason: string };

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Resolves a bearer token: the operator token, or a tenant's (by its SHA-256 in the catalog). Without an
 * operator token configured the API is open (the config allows that only on a loopback address).
 */
export function callerOf(
  header: string | undefined,
  operatorToken: string | undefined,
  tenantTokens: ReadonlyMap<string, string>,
  hash: (token: string) => string,
): Caller {
  if (operatorToken === undefined) return { role: 'operator' };
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (m === null) return { role: 'none', reason: 'send Authorization: Bearer <token>' };
  const token = m[1] ?? '';
  if (same(token, operatorToken)) return { role: 'operator' };
  const tenant = tenantTokens.get(hash(token));
  return tenant === undefined ? { role: 'none', reason: 'unknown token' } : { role: 'tenant', tenant };
}
