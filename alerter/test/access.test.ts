import { describe, expect, it } from 'vitest';
import { Access, failedTokenLimit } from '../src/api/access.ts';
import type { Caller } from '../src/api/auth.ts';
import type { ApiError } from '../src/api/errors.ts';

const tenants = [{ name: 'shop' }, { name: 'search' }] as never[];
const callerOf = (h: string | undefined): Caller =>
  h === 'Bearer op'
    ? { role: 'operator' }
    : h === 'Bearer shop'
      ? { role: 'tenant', tenant: 'shop' }
      : { role: 'none', reason: 'unknown token' };
const statusOf = (f: () => unknown): number | 'ok' => {
  try {
    f();
    return 'ok';
  } catch (err) {
    return (err as ApiError).status;
  }
};

describe('API access', () => {
  it('answers 401 without a known token, 403 for the wrong role or another tenant, whether that tenant exists or not', () => {
    const a = new Access(
      callerOf,
      () => tenants,
      () => 0,
    );
    expect(statusOf(() => a.reader(undefined, 'x'))).toBe(401);
    expect(statusOf(() => a.reader('Bearer shop', 'x', 'shop'))).toBe('ok');
    expect(statusOf(() => a.reader('Bearer shop', 'x', 'search'))).toBe(403);
    expect(statusOf(() => a.reader('Bearer shop', 'x', 'nobody'))).toBe(403);
    expect(statusOf(() => a.reader('Bearer op', 'x', 'nobody'))).toBe(404);
    expect(statusOf(() => a.operator('Bearer shop', 'x'))).toBe(403);
    expect(statusOf(() => a.operator('Bearer op', 'x'))).toBe('ok');
  });

  it('holds an address back after 20 unknown tokens in a minute, every request of it, until its minute ends', () => {
    let now = 1_000_000;
    const a = new Access(
      callerOf,
      () => tenants,
      () => now,
    );
    for (let i = 0; i < failedTokenLimit.failures; i += 1)
      expect(statusOf(() => a.reader(`Bearer guess${i}`, '10.0.0.9'))).toBe(401);
    // The right token too: guessing it is what is slowed.
    expect(statusOf(() => a.reader('Bearer op', '10.0.0.9'))).toBe(429);
    expect(() => a.reader('Bearer op', '10.0.0.9')).toThrow(/retry in 60 s/);
    // Another address is not held back; a missing token is not a guess.
    expect(statusOf(() => a.reader('Bearer op', '10.0.0.10'))).toBe('ok');
    for (let i = 0; i < 50; i += 1) expect(statusOf(() => a.reader(undefined, '10.0.0.11'))).toBe(401);
    expect(statusOf(() => a.reader('Bearer op', '10.0.0.11'))).toBe('ok');
    now += failedTokenLimit.windowMs;
    expect(statusOf(() => a.reader('Bearer op', '10.0.0.9'))).toBe('ok');
  });
});
