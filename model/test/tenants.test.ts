import { describe, expect, it } from 'vitest';
import { formatConfigErrors } from '../src/config-file.ts';
import { globsOverlap, inQuietHours, parseTenants, tenantResolver, thresholdLookup } from '../src/tenants.ts';

const good = `tenants:
  - name: payments
    contacts: [oncall@payments.example]
    topics: [payments.*, ledger]
    groups: [payments-*]
  - name: refunds
    priority: 1
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
      'tenants.yaml:10:11: tenants.2.name: lower-case letters, digits, _ and -',
      'tenants.yaml:11:16: tenants.2.contacts.0: Invalid email address',
      'tenants.yaml:13:22: tenants.3.topics.1: a topic or group name, or a glob with * and ?',
    ]);
    const twice = parseTenants(
      `${good}  - name: search\n    topics: [ledger]\n  - name: refunds\n`,
      'tenants.yaml',
    );
    if (twice.ok) throw new Error('expected errors');
    expect(formatConfigErrors(twice.errors).split('\n')).toEqual([
      "tenants.yaml:11:14: tenants.2.topics.0: 'ledger' is already owned by tenant payments",
      'tenants.yaml:12:11: tenants.3.name: tenant refunds is defined twice',
    ]);
  });

  it('tells overlapping globs of two tenants apart only by priority; exact names need none', () => {
    expect(globsOverlap('payments.*', 'payments.refunds.*')).toBe(true);
    expect(globsOverlap('pay*', '*ments')).toBe(true);
    expect(globsOverlap('a?c', 'ab*')).toBe(true);
    expect(globsOverlap('orders.*', 'payments.*')).toBe(false);
    expect(globsOverlap('a?', 'abc*d')).toBe(false);
    const clash = parseTenants(
      'tenants:\n  - name: a\n    topics: [pay*]\n  - name: b\n    topics: [exact, "*ments.eu"]\n',
      't.yaml',
    );
    if (clash.ok) throw new Error('expected an error');
    expect(formatConfigErrors(clash.errors)).toBe(
      "t.yaml:5:21: tenants.1.topics.1: '*ments.eu' and tenant a's 'pay*' can match the same name: give one tenant a higher priority",
    );
    const resolved = parseTenants(
      'tenants:\n  - name: a\n    topics: [pay*]\n  - name: b\n    priority: 2\n    topics: ["*ments.eu"]\n',
      't.yaml',
    );
    if (!resolved.ok) throw new Error(formatConfigErrors(resolved.errors));
    const owner = tenantResolver(resolved.value, 'topics');
    expect([owner('payments.eu'), owner('payments.us'), owner('shipments.eu')]).toEqual(['b', 'a', 'b']);
  });

  it('looks thresholds up per group pattern, then per tenant', () => {
    const parsed = parseTenants(
      `tenants:
  - name: shop
    groups: [shop-*]
    thresholds: { lag_seconds: 60 }
    group_thresholds:
      - groups: [shop-batch-*]
        thresholds: { lag_seconds: 3600 }
      - groups: [shop-batch-eu]
        thresholds: { lag_messages: 10 }
`,
      't.yaml',
    );
    if (!parsed.ok) throw new Error(formatConfigErrors(parsed.errors));
    const lookup = thresholdLookup(parsed.value);
    expect(lookup({ tenant: 'shop', group: 'shop-web' }, 'lag_seconds')).toBe(60);
    expect(lookup({ tenant: 'shop', group: 'shop-batch-us' }, 'lag_seconds')).toBe(3600);
    expect(lookup({ tenant: 'shop', group: 'shop-batch-eu' }, 'lag_seconds')).toBe(60);
    expect(lookup({ tenant: 'shop', group: 'shop-batch-eu' }, 'lag_messages')).toBe(10);
    expect(lookup({ tenant: 'other', group: 'shop-web' }, 'lag_seconds')).toBeUndefined();
  });

  it("knows quiet hours in the tenant's time zone, across midnight", () => {
    const night = { quiet_hours: { from: '22:00', to: '07:00', timezone: 'Europe/Paris' } };
    // 2026-01-15 21:30 UTC is 22:30 in Paris (CET, UTC+1).
    expect(inQuietHours(night, Date.UTC(2026, 0, 15, 21, 30))).toBe(true);
    expect(inQuietHours(night, Date.UTC(2026, 0, 15, 20, 30))).toBe(false);
    expect(inQuietHours(night, Date.UTC(2026, 0, 16, 5, 59))).toBe(true);
    expect(inQuietHours(night, Date.UTC(2026, 0, 16, 6, 0))).toBe(false);
    expect(inQuietHours({}, Date.UTC(2026, 0, 15, 23, 0))).toBe(false);
    const bad = parseTenants(
      'tenants:\n  - name: a\n    quiet_hours: { from: "25:00", to: "07:00", timezone: Mars/Olympus }\n',
      't.yaml',
    );
    if (bad.ok) throw new Error('expected errors');
    expect(formatConfigErrors(bad.errors)).toMatch(/HH:MM[\s\S]*IANA time zone/);
  });
});
