import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../model/src/labels.ts';
import { parseTenants } from '../../model/src/tenants.ts';
import type { TrackedAlert } from '../../rules/src/alert.ts';
import { defaultRoute } from '../src/route/config.ts';
import type { Notification, Queued } from '../src/notify/notification.ts';
import { Dispatcher } from '../src/route/dispatch.ts';
import type { DispatchStatePort, GroupLogEntry } from '../src/route/dispatch.ts';
import { defaultInhibitRules } from '../src/route/inhibit.ts';
import { matches, parseMatcher } from '../src/route/matchers.ts';
import { Ownership } from '../src/route/ownership.ts';
import { newSilence } from '../src/route/silences.ts';
import type { Silence } from '../src/route/silences.ts';
import { buildTree, routesFor } from '../src/route/tree.ts';

const catalog = (() => {
  const p = parseTenants(
    `tenants:
  - name: shop
    contacts: [shop@example.com]
    topics: [shop.*]
    groups: [shop-*]
  - name: search
    contacts: [search@example.com]
    topics: [search.*]
    groups: [search-*]
    quiet_hours: { from: '22:00', to: '07:00', timezone: UTC }
`,
    'tenants.yaml',
  );
  if (!p.ok) throw new Error('bad catalog');
  return p.value;
})();
const ownership = new Ownership(catalog);

function alert(
  rule: string,
  labels: Record<string, string>,
  extra: Partial<TrackedAlert> = {},
): TrackedAlert {
  const severity = extra.severity ?? 'page';
  const all = { alertname: rule, severity, ...labels };
  return {
    fingerprint: fingerprint(all),
    rule,
    labels: all,
    severity,
    audience: ['operators'],
    annotations: { summary: `${rule} ${Object.values(labels).join(' ')}`, description: 'why' },
    value: 1,
    phase: 'firing',
    activeSince: 0,
    firedAt: 0,
    ...extra,
  };
}
const lag = (group: string, extra: Partial<TrackedAlert> = {}): TrackedAlert =>
  alert('ConsumerLagHigh', { cluster: 'lab', group }, { severity: 'ticket', audience: ['tenant'], ...extra });

class MemoryState implements DispatchStatePort {
  log = new Map<string, GroupLogEntry>();
  queued: Notification[] = [];
  private id = 0;
  groupLog(): Map<string, GroupLogEntry> {
    return new Map(this.log);
  }
  commit(c: { enqueue: Notification[]; upsert: GroupLogEntry[]; remove: string[] }): Queued[] {
    this.queued.push(...c.enqueue);
    for (const e of c.upsert) this.log.set(e.groupKey, e);
    for (const k of c.remove) this.log.delete(k);
    return c.enqueue.map((notification) => ({ id: (this.id += 1), notification, attempts: 0, dueMs: 0 }));
  }
}

/** What a dispatch queued, as notifications. */
function told(d: Dispatcher, ...args: Parameters<Dispatcher['dispatch']>): Notification[] {
  return d.dispatch(...args).map((q) => q.notification);
}

const receivers = {
  oncall: { webhook: { url: 'http://x', format: 'lookout', timeout: 1 } },
  tenants: { email: { to: 'owner' } },
};

function dispatcher(state = new MemoryState()): { d: Dispatcher; state: MemoryState } {
  const tree = buildTree({
    ...defaultRoute(receivers),
    group_wait: 10_000,
    group_interval: 60_000,
    repeat_interval: 3_600_000,
  });
  const d = new Dispatcher(
    {
      tree,
      inhibit: defaultInhibitRules,
      receivers: new Map([
        ['oncall', { perTenant: false }],
        ['tenants', { perTenant: true }],
      ]),
      incidentReceiver: 'tenants',
      incidentTiming: {
        group_by: [],
        group_wait: 10_000,
        group_interval: 10_000,
        repeat_interval: 86_400_000,
      },
      links: { alerter: 'http://lookout:9310' },
    },
    state,
  );
  return { d, state };
}
const noon = Date.UTC(2026, 10, 23, 12, 0);

describe('matchers and the routing tree', () => {
  it('parses matchers and rejects bad ones with a reason', () => {
    expect(parseMatcher('cluster="prod"')).toEqual({ name: 'cluster', op: '=', value: 'prod' });
    expect(parseMatcher('broker!~"1|2"')).toEqual({ name: 'broker', op: '!~', value: '1|2' });
    expect(parseMatcher(' severity = page ')).toEqual({ name: 'severity', op: '=', value: 'page' });
    expect(() => parseMatcher('cluster')).toThrow(/not a matcher/);
    expect(() => parseMatcher('a=~"("')).toThrow(/not a regular expression/);
    const m = { labels: { alertname: 'KafkaBrokerDown', broker: '12' }, audience: ['operators'] };
    expect(matches(parseMatcher('broker=~"1"'), m)).toBe(false); // anchored
    expect(matches(parseMatcher('broker=~"1.*"'), m)).toBe(true);
    expect(matches(parseMatcher('missing=""'), m)).toBe(true);
    expect(matches(parseMatcher('audience="operators"'), m)).toBe(true);
    expect(matches(parseMatcher('audience!="tenant"'), m)).toBe(true);
  });

  it('routes depth first: the first match wins unless it continues; children inherit timings', () => {
    const tree = buildTree({
      receiver: 'ops',
      group_wait: 5_000,
      routes: [
        { matchers: [parseMatcher('severity="page"')], receiver: 'pager', continue: true },
        { matchers: [parseMatcher('cluster="prod"')], receiver: 'prod', group_wait: 1_000 },
        { matchers: [parseMatcher('cluster=~"prod|stage"')], receiver: 'never-for-prod' },
      ],
    });
    const to = (labels: Record<string, string>) => routesFor(tree, { labels }).map((r) => r.receiver);
    expect(to({ severity: 'page', cluster: 'prod' })).toEqual(['pager', 'prod']);
    expect(to({ severity: 'ticket', cluster: 'stage' })).toEqual(['never-for-prod']);
    expect(to({ severity: 'ticket', cluster: 'dev' })).toEqual(['ops']);
    const prod = routesFor(tree, { labels: { cluster: 'prod' } })[0];
    expect(prod?.group_wait).toBe(1_000);
    expect(routesFor(tree, { labels: { cluster: 'stage' } })[0]?.group_wait).toBe(5_000);
  });
});

describe('the dispatcher', () => {
  it('waits group_wait, groups, tells changes after group_interval, repeats, and resolves once', () => {
    const { d, state } = dispatcher();
    const a = alert('KafkaDiskUsedCritical', { cluster: 'lab', broker: '1' }, { firedAt: noon });
    const b = alert('KafkaDiskUsedCritical', { cluster: 'lab', broker: '2' }, { firedAt: noon + 2_000 });
    // The default tree's page route waits 5 s.
    expect(told(d, [a], [], ownership, noon + 4_000)).toEqual([]);
    const first = told(d, [a, b], [], ownership, noon + 5_000);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      receiver: 'oncall',
      status: 'firing',
      groupLabels: { alertname: 'KafkaDiskUsedCritical', cluster: 'lab' },
    });
    expect(first[0]?.alerts.map((x) => x.labels.broker).sort()).toEqual(['1', '2']);
    // Nothing new: nothing sent until the repeat interval.
    expect(told(d, [a, b], [], ownership, noon + 100_000)).toEqual([]);
    const again = told(d, [a, b], [], ownership, noon + 10_000 + 3_600_000);
    expect(again).toHaveLength(1);
    expect(again[0]?.incidentKey).toBe(first[0]?.incidentKey);
    // b resolves: told after group_interval, as part of the group.
    const t = noon + 10_000 + 3_600_000;
    const bResolved = { ...b, phase: 'resolved' as const, resolvedAt: t + 1_000 };
    expect(told(d, [a, bResolved], [], ownership, t + 30_000)).toEqual([]);
    const change = told(d, [a, bResolved], [], ownership, t + 60_000);
    expect(change[0]?.status).toBe('firing');
    expect(change[0]?.alerts.map((x) => [x.labels.broker, x.status])).toEqual([
      ['1', 'firing'],
      ['2', 'resolved'],
    ]);
    // All resolved: one resolved notification at once (not after group_interval), then the group is forgotten.
    const aResolved = { ...a, phase: 'resolved' as const, resolvedAt: t + 61_000 };
    const done = told(d, [aResolved, bResolved], [], ownership, t + 61_000);
    expect(done.map((n) => n.status)).toEqual(['resolved']);
    expect(done[0]?.incidentKey).toBe(first[0]?.incidentKey);
    expect(told(d, [aResolved, bResolved], [], ownership, t + 999_000)).toEqual([]);
    expect(state.log.size).toBe(0);
  });

  it("sends tenant alerts to their owner only, each tenant's own", () => {
    const { d } = dispatcher();
    const shop = lag('shop-orders', { firedAt: noon });
    const search = lag('search-indexer', { firedAt: noon });
    const stray = lag('nobody-owns-me', { firedAt: noon });
    const sent = told(d, [shop, search, stray], [], ownership, noon + 30_000);
    expect(sent.map((n) => [n.queue, n.tenant, n.to, n.alerts.map((x) => x.labels.group)])).toEqual([
      ['tenants/shop', 'shop', ['shop@example.com'], ['shop-orders']],
      ['tenants/search', 'search', ['search@example.com'], ['search-indexer']],
    ]);
  });

  it("strips other tenants' evidence from a tenant's notification", () => {
    const { d } = dispatcher();
    const mixed = lag('shop-orders', {
      firedAt: noon,
      affected: [
        { labels: { topic: 'shop.orders' }, value: 3 },
        { labels: { topic: 'search.clicks' }, value: 9 },
      ],
    });
    const [n] = told(d, [mixed], [], ownership, noon + 30_000);
    expect(n?.alerts[0]?.affected).toEqual([{ labels: { topic: 'shop.orders' }, value: 3 }]);
    expect(n?.alerts[0]?.annotations.description).toBeUndefined();
    expect(JSON.stringify(n)).not.toContain('search');
  });

  it('holds tenant email during quiet hours and sends it when they end', () => {
    const { d } = dispatcher();
    const night = Date.UTC(2026, 10, 23, 23, 0);
    const search = lag('search-indexer', { firedAt: night });
    expect(told(d, [search], [], ownership, night + 60_000)).toEqual([]);
    const morning = Date.UTC(2026, 10, 24, 7, 0);
    expect(told(d, [search], [], ownership, morning).map((n) => n.tenant)).toEqual(['search']);
  });

  it('a broker down hides what it causes: one page listing them, one incident email per affected tenant', () => {
    const { d } = dispatcher();
    const down = alert(
      'KafkaBrokerDown',
      { cluster: 'lab', broker: '2' },
      {
        firedAt: noon,
        affected: [
          { labels: { topic: 'shop.orders' }, value: 4 },
          { labels: { topic: 'search.clicks' }, value: 2 },
          { labels: { topic: 'unowned' }, value: 1 },
        ],
      },
    );
    const minIsr = alert('KafkaUnderMinIsr', { cluster: 'lab' }, { firedAt: noon });
    const other = alert('KafkaUnderMinIsr', { cluster: 'other' }, { firedAt: noon });
    const shopLag = lag('shop-orders', { firedAt: noon });
    const sent = told(d, [down, minIsr, other, shopLag], [], ownership, noon + 10_000);
    const pages = sent.filter((n) => n.receiver === 'oncall');
    expect(pages.map((n) => n.groupLabels)).toEqual([
      { alertname: 'KafkaBrokerDown', cluster: 'lab' },
      { alertname: 'KafkaUnderMinIsr', cluster: 'other' },
    ]);
    expect(pages[0]?.suppressed.map((s) => s.alertname).sort()).toEqual([
      'ConsumerLagHigh',
      'KafkaUnderMinIsr',
    ]);
    expect(pages[0]?.alerts[0]?.affected?.length).toBe(3);
    const emails = sent.filter((n) => n.receiver === 'tenants');
    expect(emails.map((n) => [n.kind, n.tenant])).toEqual([
      ['incident', 'shop'],
      ['incident', 'search'],
    ]);
    const shop = emails.find((n) => n.tenant === 'shop');
    expect(shop?.incident?.topics).toEqual([{ labels: { topic: 'shop.orders' }, value: 4 }]);
    expect(shop?.incident?.held.map((h) => h.labels.group)).toEqual(['shop-orders']);
    expect(JSON.stringify(shop)).not.toMatch(/search|unowned/);
    expect(d.muted().get(minIsr.fingerprint)?.inhibitedBy?.alertname).toBe('KafkaBrokerDown');
    // The same incident later: no second email; resolved: one resolve page and one email each.
    expect(told(d, [down, minIsr, shopLag], [], ownership, noon + 50_000)).toEqual([]);
    const back = { ...down, phase: 'resolved' as const, resolvedAt: noon + 60_000 };
    const resolved = told(
      d,
      [back, { ...minIsr, phase: 'resolved' as const, resolvedAt: noon + 61_000 }],
      [],
      ownership,
      noon + 200_000,
    );
    expect(resolved.map((n) => [n.receiver, n.kind, n.status, n.tenant ?? '']).sort()).toEqual([
      ['oncall', 'alerts', 'resolved', ''],
      ['tenants', 'incident', 'resolved', 'search'],
      ['tenants', 'incident', 'resolved', 'shop'],
    ]);
  });

  it('a broker back ends its incident at once, while what it caused stays hidden for the hold', () => {
    const { d } = dispatcher();
    const down = alert(
      'KafkaBrokerDown',
      { cluster: 'lab', broker: '2' },
      { firedAt: noon, affected: [{ labels: { topic: 'shop.orders' }, value: 4 }] },
    );
    const shopLag = lag('shop-orders', { firedAt: noon });
    const first = told(d, [down, shopLag], [], ownership, noon + 10_000);
    expect(first.map((n) => [n.receiver, n.kind, n.status])).toEqual([
      ['oncall', 'alerts', 'firing'],
      ['tenants', 'incident', 'firing'],
    ]);
    // The broker is back; the tenant's lag (caused by the failover) is still firing, inside the hold.
    const back = { ...down, phase: 'resolved' as const, resolvedAt: noon + 60_000 };
    const resolved = told(d, [back, shopLag], [], ownership, noon + 61_000);
    expect(resolved.map((n) => [n.receiver, n.kind, n.status, n.tenant ?? '']).sort()).toEqual([
      ['oncall', 'alerts', 'resolved', ''],
      ['tenants', 'incident', 'resolved', 'shop'],
    ]);
    expect(d.muted().get(shopLag.fingerprint)?.inhibitedBy?.alertname).toBe('KafkaBrokerDown');
    // Still behind once the hold is over: now it is the tenant's own alert.
    const later = told(d, [back, shopLag], [], ownership, noon + 61_000 + 121_000);
    expect(later.map((n) => [n.kind, n.groupLabels.alertname])).toEqual([['alerts', 'ConsumerLagHigh']]);
  });

  it('a pending broker-down inhibits too, and keeps inhibiting for its hold after it went away', () => {
    const { d } = dispatcher();
    const pending = alert(
      'KafkaBrokerDown',
      { cluster: 'lab', broker: '2' },
      { phase: 'pending', firedAt: undefined },
    );
    const minIsr = alert('KafkaUnderMinIsr', { cluster: 'lab' }, { firedAt: noon });
    expect(told(d, [pending, minIsr], [], ownership, noon + 10_000)).toEqual([]);
    // The broker is back (its pending alert dropped); min ISR still firing while replicas catch up.
    expect(told(d, [minIsr], [], ownership, noon + 100_000)).toEqual([]);
    const late = told(d, [minIsr], [], ownership, noon + 10_000 + 121_000);
    expect(late.map((n) => n.groupLabels.alertname)).toEqual(['KafkaUnderMinIsr']);
  });

  it('silences mute matching alerts while active; a silenced broker-down sends tenants nothing', () => {
    const { d } = dispatcher();
    const window: Silence = newSilence(
      {
        matchers: [parseMatcher('cluster="lab"'), parseMatcher('broker="2"')],
        duration: 3_600_000,
        createdBy: 'ops',
        comment: 'rolling restart',
      },
      noon,
    );
    const down = alert(
      'KafkaBrokerDown',
      { cluster: 'lab', broker: '2' },
      { firedAt: noon, affected: [{ labels: { topic: 'shop.orders' }, value: 1 }] },
    );
    const minIsr = alert('KafkaUnderMinIsr', { cluster: 'lab' }, { firedAt: noon });
    expect(told(d, [down, minIsr], [window], ownership, noon + 60_000)).toEqual([]);
    expect(d.muted().get(down.fingerprint)?.silencedBy).toBe(window.id);
    // After the window: the broker-down pages.
    const after = told(d, [down, minIsr], [window], ownership, noon + 3_600_000 + 1);
    expect(after.map((n) => [n.receiver, n.kind, n.groupLabels.alertname])).toEqual([
      ['oncall', 'alerts', 'KafkaBrokerDown'],
      ['tenants', 'incident', 'KafkaBrokerDown'],
    ]);
  });

  it("the default tree sends the watchdog nowhere without a dead man's switch, tickets to no pager", () => {
    const { d } = dispatcher();
    const watchdog = alert('LookoutWatchdog', {}, { severity: 'info', firedAt: noon });
    const ticket = alert(
      'KafkaDiskUsedHigh',
      { cluster: 'lab', broker: '1' },
      { severity: 'ticket', firedAt: noon },
    );
    expect(told(d, [watchdog, ticket], [], ownership, noon + 60_000)).toEqual([]);
  });

  it('refuses silences that end before they start or match everything', () => {
    const base = { createdBy: 'ops', comment: 'x' };
    expect(() => newSilence({ ...base, matchers: [parseMatcher('a="b"')], duration: 0 }, noon)).toThrow(
      /end after/,
    );
    expect(() => newSilence({ ...base, matchers: [parseMatcher('a=~".*"')], duration: 1_000 }, noon)).toThrow(
      /every alert/,
    );
  });

  it('refuses every silence whose matchers hold for every alert, and takes those that name some', () => {
    const base = { createdBy: 'ops', comment: 'x', duration: 60_000 };
    const vocabulary = { alertname: ['KafkaBrokerDown', 'ConsumerLagHigh', 'LookoutWatchdog'] };
    const silence = (...ms: string[]) =>
      newSilence({ ...base, matchers: ms.map((m) => parseMatcher(m)) }, noon, vocabulary);
    for (const all of [
      ['alertname=~".+"'],
      ['severity!="none"'],
      ['severity=~"page|ticket|info"'],
      ['cluster=~".*"', 'alertname!~"Nothing.*"'],
      ['alertname!="NoSuchRule"'],
      ['group!~"zz+"'],
    ])
      expect(() => silence(...all), all.join(', ')).toThrow(/silence every alert/);
    for (const some of [
      ['tenant="payments"'],
      ['alertname=~"Consumer.*"'],
      ['group=~".+"'],
      ['severity="page"'],
      ['alertname=~".+"', 'broker="2"'],
      ['alertname!="KafkaBrokerDown"'],
    ])
      expect(silence(...some).matchers.length, some.join(', ')).toBe(some.length);
  });

  it('matches regular expressions in linear time (RE2), and refuses what RE2 cannot read', () => {
    // A backtracking engine takes seconds on the first input (`npm run bench -- pattern-matching` measures it).
    const evil = parseMatcher('group=~"(a+)+$"');
    expect(matches(evil, { labels: { group: `${'a'.repeat(26)}!` } })).toBe(false);
    expect(matches(evil, { labels: { group: 'a'.repeat(26) } })).toBe(true);
    expect(() => parseMatcher('group=~"(?=a)b"')).toThrow(/RE2 syntax/);
    expect(() => parseMatcher('group=~"(a)\\\\1"')).toThrow(/RE2 syntax/);
  });

  it('remembers what it told across a restart (no second first notification)', () => {
    const state = new MemoryState();
    const a = alert('KafkaDiskUsedCritical', { cluster: 'lab', broker: '1' }, { firedAt: noon });
    expect(told(dispatcher(state).d, [a], [], ownership, noon + 10_000)).toHaveLength(1);
    expect(told(dispatcher(state).d, [a], [], ownership, noon + 20_000)).toEqual([]);
  });
});
