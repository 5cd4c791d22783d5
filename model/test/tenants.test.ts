import { describe, expect, it } from 'vitest';
import { formatConfigErrors } from '../src/config-file.ts';
import { parseTenants, tenantResolver } from '../src/tenants.ts';

const good = `tenants:
  - name: payments
    contacts: [oncall@payments.example]
    topics: [payments.*, ledger]
    groups: [payments-*]
  - name: refunds
    topics: [payments.refunds.*]
    groups: [payments-refunds-*]
`;

describe('tenants catalog', () => {
  it('resolves exact names before globs, and longer globs before shorter ones; unowned is empty', () => {
    const parsed = parseTenants(good, 'tenants.yaml');
    if (!parsed.ok) throw new Error(formatConfigErrors(parsed.errors));
    const topic = tenantResolver(parsed.value, 'topics');
    const group = tenantResolver(parsed.value, 'groups');
    expect(topic('payments.orders')).toBe('payments');
    expect(topic('payments.refunds.eu')).toBe('refunds');
    expect(topic('ledger')).toBe('payments');
    expect(topic('ledgers')).toBe('');
    expect(group('payments-refunds-worker')).toBe('refunds');
    expect(group('payments-ledger')).toBe('payments');
    expect(group('search-indexer')).toBe('');
  });

  it('reports every error with its line: bad fields, a pattern owned twice, a tenant defined twice', () => {
    const bad = `${good}  - name: Payments Team
    contacts: [not-an-email]
  - name: payments
    topics: [ledger, "bad topic"]
`;
    const parsed = parseTenants(bad, 'tenants.yaml');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(formatConfigErrors(parsed.errors).split('\n')).toEqual([
      'tenants.yaml:9:11: tenants.2.name: lower-case letters, digits, _ and -',
      'tenants.yaml:10:16: tenants.2.contacts.0: Invalid email address',
      'tenants.yaml:12:22: tenants.3.topics.1: a topic or group name, or a glob with * and ?',
    ]);
    const twice = parseTenants(
      `${good}  - name: search\n    topics: [ledger]\n  - name: refunds\n`,
      'tenants.yaml',
    );
    if (twice.ok) throw new Error('expected errors');
    expect(formatConfigErrors(twice.errors).split('\n')).toEqual([
      "tenants.yaml:10:14: tenants.2.topics.0: 'ledger' is already owned by tenant payments",
      'tenants.yaml:11:11: tenants.3.name: tenant refunds is defined twice',
    ]);
  });
});
