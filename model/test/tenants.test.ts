import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../lab/src/random.ts';
import { formatConfigErrors } from '../src/config-file.ts';
import {
  firstOverlaps,
  globTest,
  globsOverlap,
  inQuietHours,
  parseTenants,
  tenantResolver,
  thresholdLookup,
} from '../src/tenants.ts';

const drawn = (next: () => number, alphabet: string, most: number): string =>
  Array.from(
    { length: Math.floor(next() * (most + 1)) },
    () => alphabet[Math.floor(next() * alphabet.length)],
  ).join('');
/** The reference reading of a glob: a regular expression (backtracking, fine for short inputs). */
const referenceGlob = (glob: string): RegExp =>
  new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\-]/g, '\\$&')
      .replaceAll('*', '[^]*')
      .replaceAll('?', '[^]')}$`,
  );

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
  it('refuses a threshold no rule reads, at its name, tenant-wide or for some groups, with the name it likely means', () => {
    const text = `tenants:
  - name: shop
    groups: [shop-*]
    thresholds: { lag_seconds: 60, lag_mesages: 1000 }
    group_thresholds:
      - groups: [shop-batch-*]
        thresholds:
          lag_secs: 3600
`;
    expect(parseTenants(text, 't.yaml').ok).toBe(true); // without the rules' names: nothing to check against
    const parsed = parseTenants(text, 't.yaml', ['lag_messages', 'lag_seconds']);
    expect(parsed.ok ? 'ok' : formatConfigErrors(parsed.errors).split('\n')).toEqual([
      't.yaml:4:36: tenants.0.thresholds.lag_mesages: no rule reads a threshold "lag_mesages" (did you mean "lag_messages"?); the rules read: lag_messages, lag_seconds',
      't.yaml:8:11: tenants.0.group_thresholds.0.thresholds.lag_secs: no rule reads a threshold "lag_secs"; the rules read: lag_messages, lag_seconds',
    ]);
  });

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

  it('matches globs as a regular expression would, without backtracking (10,000 random cases)', () => {
    const next = seededRandom(7);
    for (let n = 0; n < 10_000; n++) {
      const glob = drawn(next, 'ab*?', 8) || '*';
      const name = drawn(next, 'abc\n', 10);
      expect(globTest(glob)(name), `${glob} ~ ${JSON.stringify(name)}`).toBe(referenceGlob(glob).test(name));
    }
    expect(globTest('*a*a*a*a*a*a*a*b')('a'.repeat(80))).toBe(false);
    expect(globTest('*a*a*a*a*a*a*a*b')(`${'a'.repeat(80)}b`)).toBe(true);
  });

  it('finds overlapping globs as comparing every pair would (random catalogs)', () => {
    const next = seededRandom(11);
    for (let round = 0; round < 300; round++) {
      const globs = Array.from({ length: 1 + Math.floor(next() * 12) }, () => ({
        p: (drawn(next, 'ab', 2) + (next() < 0.8 ? '*' : '?') + drawn(next, 'ab*?', 3)).slice(0, 6),
        owner: `t${Math.floor(next() * 4)}`,
        priority: Math.floor(next() * 2),
      }));
      const naive = globs.map((g, i) => {
        const c = globs.findIndex(
          (o, j) =>
            j < i &&
            o.owner !== g.owner &&
            o.priority === g.priority &&
            o.p !== g.p &&
            globsOverlap(o.p, g.p),
        );
        return c < 0 ? undefined : c;
      });
      expect(firstOverlaps(globs), JSON.stringify(globs)).toEqual(naive);
    }
  });

  it('resolves owners as testing every pattern in order would (random catalogs and names)', () => {
    const next = seededRandom(23);
    for (let round = 0; round < 200; round++) {
      const tenants = Array.from({ length: 1 + Math.floor(next() * 6) }, (_, i) => ({
        name: `t${i}`,
        priority: Math.floor(next() * 2),
        topics: Array.from({ length: 1 + Math.floor(next() * 3) }, () => drawn(next, 'ab*?', 4) || 'a'),
      }));
      const catalog = {
        tenants: tenants.map((t) => ({
          ...t,
          contacts: [],
          groups: [],
          thresholds: {},
          group_thresholds: [],
        })),
      };
      const entries = tenants.flatMap((t) =>
        t.topics.map((p) => ({ p, priority: t.priority, owner: t.name })),
      );
      const ordered = entries
        .filter((e) => /[*?]/.test(e.p))
        .sort((x, y) => y.priority - x.priority || y.p.length - x.p.length);
      const reference = (name: string): string =>
        entries.find((e) => e.p === name)?.owner ??
        ordered.find((e) => referenceGlob(e.p).test(name))?.owner ??
        '';
      const resolve = tenantResolver(catalog, 'topics');
      for (let n = 0; n < 30; n++) {
        const name = drawn(next, 'abc', 6);
        expect(resolve(name), `${name} in ${JSON.stringify(entries)}`).toBe(reference(name));
      }
    }
  });

  it('checks 10,000 tenants × 3 patterns (globs and names) as the same catalog of 100', () => {
    const catalog = (n: number): string =>
      `tenants:\n${Array.from(
        { length: n },
        (_, i) =>
          `  - name: team-${i}\n    contacts: [t${i}@example.com]\n    topics: [team-${i}.*, 'ledger-${i}']\n    groups: ['*-team-${i}']\n`,
      ).join('')}`;
    for (const n of [100, 10_000]) {
      const parsed = parseTenants(catalog(n), 'tenants.yaml');
      if (!parsed.ok) throw new Error(formatConfigErrors(parsed.errors.slice(0, 3)));
      expect(parsed.value.tenants).toHaveLength(n);
      expect(tenantResolver(parsed.value, 'topics')(`team-${n - 1}.orders`)).toBe(`team-${n - 1}`);
      expect(tenantResolver(parsed.value, 'groups')(`billing-team-${n - 1}`)).toBe(`team-${n - 1}`);
    }
    // A clash among many is still found, at its line.
    const clash = parseTenants(
      `${catalog(2_000)}  - name: late\n    topics: ['team-1999.o*']\n`,
      'tenants.yaml',
    );
    expect(clash.ok).toBe(false);
    if (!clash.ok)
      expect(formatConfigErrors(clash.errors)).toBe(
        "tenants.yaml:8003:14: tenants.2000.topics.0: 'team-1999.o*' and tenant team-1999's 'team-1999.*' can match the same name: give one tenant a higher priority",
      );
  });

  it('refuses patterns longer than a Kafka topic name, with file:line, and no stack overflow', () => {
    const long = `${'a*'.repeat(10_000)}b`;
    const parsed = parseTenants(
      `tenants:\n  - name: a\n    topics: ['${long}']\n  - name: b\n    topics: ['${long}c']\n`,
      't.yaml',
    );
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(formatConfigErrors(parsed.errors).split('\n')).toEqual([
        "t.yaml:3:14: tenants.0.topics.0: at most 249 characters (Kafka's longest topic name)",
        "t.yaml:5:14: tenants.1.topics.0: at most 249 characters (Kafka's longest topic name)",
      ]);
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
