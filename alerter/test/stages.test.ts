import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../model/src/labels.ts';
import type { TrackedAlert } from '../../rules/src/alert.ts';
import type { Group, GroupLogEntry } from '../src/route/group.ts';
import { muteAlerts } from '../src/route/mute.ts';
import { placeAlert } from '../src/route/placement.ts';
import { heldByQuietHours } from '../src/route/quiet-hours.ts';
import { newSilence } from '../src/route/silences.ts';
import { groupTiming } from '../src/route/timing.ts';
import { buildTree } from '../src/route/tree.ts';
import { parseMatcher } from '../src/route/matchers.ts';

/** The notification pipeline's stages, each a pure function, tested on its own (the whole: route.test.ts). */

function alert(
  rule: string,
  labels: Record<string, string>,
  extra: Partial<TrackedAlert> = {},
): TrackedAlert {
  const all = { alertname: rule, severity: 'page', ...labels };
  return {
    fingerprint: fingerprint(all),
    rule,
    labels: all,
    severity: 'page',
    audience: ['operators'],
    annotations: {},
    value: 1,
    phase: 'firing',
    activeSince: 0,
    firedAt: 0,
    ...extra,
  };
}
const route = { id: 'r', group_wait: 30_000, group_interval: 300_000, repeat_interval: 3_600_000 };
const group = (alerts: TrackedAlert[]): Group => ({
  key: 'k',
  receiver: 'oncall',
  queue: 'oncall',
  route,
  kind: 'alerts',
  labels: {},
  alerts,
});
const logged = (firing: TrackedAlert[], lastSentMs: number): GroupLogEntry => ({
  groupKey: 'k',
  receiver: 'oncall',
  queue: 'oncall',
  routeId: 'r',
  kind: 'alerts',
  groupLabels: {},
  firing: firing.map((a) => a.fingerprint),
  lastSentMs,
  incidentKey: 'i',
});

describe('group timing', () => {
  const a = alert('KafkaBrokerDown', { cluster: 'lab', broker: '1' }, { firedAt: 1_000 });
  const b = alert('KafkaBrokerDown', { cluster: 'lab', broker: '2' }, { firedAt: 2_000 });
  it('tells a new group group_wait after its first alert fired', () => {
    expect(groupTiming(group([b, a]), undefined, [a, b], 0, 5_000)).toEqual({ dueMs: 31_000 });
  });
  it('tells a changed group group_interval after it was told, an unchanged one repeat_interval after', () => {
    expect(groupTiming(group([a, b]), logged([a], 10_000), [a, b], 0, 20_000)).toEqual({ dueMs: 310_000 });
    expect(groupTiming(group([a]), logged([a], 10_000), [a], 0, 20_000)).toEqual({ dueMs: 3_610_000 });
  });
  it('tells a resolved group at once and forgets one only muted or gone', () => {
    expect(groupTiming(undefined, logged([a], 10_000), [], 1, 20_000)).toEqual({ dueMs: 20_000 });
    expect(groupTiming(undefined, logged([a], 10_000), [], 0, 20_000)).toBe('forget');
    expect(groupTiming(undefined, undefined, [], 0, 20_000)).toBe('nothing');
  });
});

describe('quiet hours', () => {
  const night = { quiet_hours: { from: '22:00', to: '07:00', timezone: 'UTC' } };
  it('holds a tenant group in its quiet hours and looks again a minute later', () => {
    const at = Date.UTC(2026, 0, 1, 23, 0);
    expect(heldByQuietHours(night, at)).toBe(at + 60_000);
    expect(heldByQuietHours(night, Date.UTC(2026, 0, 1, 12, 0))).toBeUndefined();
    expect(heldByQuietHours(undefined, at)).toBeUndefined();
    expect(heldByQuietHours({}, at)).toBeUndefined();
  });
});

describe('mute', () => {
  const a = alert('KafkaUnderReplicated', { cluster: 'lab', topic: 'shop.orders' });
  const b = alert('KafkaUnderReplicated', { cluster: 'lab', topic: 'search.q' });
  const cause = alert('KafkaBrokerDown', { cluster: 'lab', broker: '1' });
  const owned = (x: TrackedAlert) => ({ labels: x.labels, audience: x.audience });
  it('says why each alert is muted: by silence, by inhibition, or both', () => {
    const s = newSilence(
      {
        matchers: [parseMatcher('topic="shop.orders"')],
        duration: 3_600_000,
        createdBy: 'ops',
        comment: 'maintenance',
      },
      0,
      {},
    );
    const inhibited = new Map([
      [a.fingerprint, { source: cause }],
      [b.fingerprint, { source: cause }],
    ]);
    const mutes = muteAlerts([a, b, cause], [s], inhibited, owned, 1_000);
    expect(mutes.get(a.fingerprint)).toEqual({
      silencedBy: s.id,
      inhibitedBy: { fingerprint: cause.fingerprint, alertname: 'KafkaBrokerDown' },
    });
    expect(mutes.get(b.fingerprint)).toEqual({
      inhibitedBy: { fingerprint: cause.fingerprint, alertname: 'KafkaBrokerDown' },
    });
    expect(mutes.has(cause.fingerprint)).toBe(false);
    expect(muteAlerts([a, b], [s], new Map(), owned, 2 * 3_600_000).size).toBe(0); // the silence ended
  });
});

describe('route (placement)', () => {
  const tree = buildTree({
    receiver: 'operators',
    group_by: ['alertname', 'cluster'],
    routes: [{ matchers: [parseMatcher('audience="tenant"')], receiver: 'tenants', group_by: ['tenant'] }],
  });
  const receivers = new Map([
    ['operators', { perTenant: false }],
    ['tenants', { perTenant: true }],
  ]);
  it('places an alert in one group per matching route, per owning tenant for tenant receivers', () => {
    const lag = alert('ConsumerLagHigh', { cluster: 'lab', group: 'shop-billing' }, { audience: ['tenant'] });
    const placed = placeAlert(tree, receivers, lag, {
      labels: { ...lag.labels, tenant: 'shop' },
      audience: ['tenant'],
    });
    expect(placed.map((p) => [p.receiver, p.queue, p.tenant, p.labels])).toEqual([
      ['tenants', 'tenants/shop', 'shop', {}], // grouped by the alert's own labels; the owner is in the queue
    ]);
    const unowned = placeAlert(tree, receivers, lag, {
      labels: { ...lag.labels, tenant: '' },
      audience: ['tenant'],
    });
    expect(unowned).toEqual([]);
    const down = alert('KafkaBrokerDown', { cluster: 'lab', broker: '1' });
    expect(
      placeAlert(tree, receivers, down, { labels: down.labels, audience: down.audience })[0],
    ).toMatchObject({
      receiver: 'operators',
      queue: 'operators',
      labels: { alertname: 'KafkaBrokerDown', cluster: 'lab' },
    });
  });
});
