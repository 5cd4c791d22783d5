import { describe, expect, it } from 'vitest';
import type { TrackedAlert } from '../../rules/src/alert.ts';
import { lagAnswer } from '../src/api/lag-answer.ts';
import type { GroupLag } from '../src/group-lag.ts';

const lag: GroupLag = {
  cluster: 'a',
  group: 'shop-orders',
  protocol: 'classic',
  atMs: Date.UTC(2026, 11, 7),
  partitions: [
    { topic: 'shop.orders', partition: 0, hasCommit: true, lagMessages: 5 },
    { topic: 'clicks', partition: 0, hasCommit: false },
    { topic: 'search.clicks', partition: 0, hasCommit: true, lagMessages: 7 },
  ],
};
const alert = (rule: string, phase: TrackedAlert['phase'], group = 'shop-orders'): TrackedAlert => ({
  fingerprint: `${rule}/${group}`,
  rule,
  labels: { alertname: rule, cluster: 'a', group },
  severity: 'ticket',
  audience: ['tenant'],
  annotations: {},
  value: 1,
  phase,
});
const ownerOf = (l: Record<string, string>): string =>
  l.group?.startsWith('shop') === true || l.topic?.startsWith('shop.') === true
    ? 'shop'
    : l.topic?.startsWith('search.') === true
      ? 'search'
      : '';
const statusWith = (...alerts: TrackedAlert[]): unknown =>
  lagAnswer({ role: 'operator' }, lag, alerts, ownerOf).status;

describe("a group's lag, Burrow's way", () => {
  it('says the worst status its holding alerts say; resolved ones and other groups say nothing', () => {
    expect(statusWith()).toBe('OK');
    expect(statusWith(alert('ConsumerLagHigh', 'pending'))).toBe('WARN');
    expect(statusWith(alert('ConsumerLagHigh', 'firing'), alert('ConsumerStalled', 'firing'))).toBe('STALL');
    expect(statusWith(alert('ConsumerRewound', 'firing'), alert('ConsumerStopped', 'pending'))).toBe('STOP');
    expect(
      statusWith(alert('ConsumerGroupWithoutMembers', 'firing'), alert('ConsumerLostMessages', 'firing')),
    ).toBe('ERR');
    expect(
      statusWith(alert('ConsumerStalled', 'resolved'), alert('ConsumerStalled', 'firing', 'other')),
    ).toBe('OK');
    expect(statusWith(alert('KafkaBrokerDown', 'firing'))).toBe('OK');
  });

  it("shows a tenant its own topics' partitions and unowned ones, and counts another tenant's", () => {
    const shop = lagAnswer({ role: 'tenant', tenant: 'shop' }, lag, [], ownerOf);
    expect((shop.partitions as { topic: string }[]).map((p) => p.topic)).toEqual(['shop.orders', 'clicks']);
    expect(shop.otherTenantsPartitions).toBe(1);
    expect(shop.partitions).toContainEqual({ topic: 'clicks', partition: 0, hasCommit: false });
    const ops = lagAnswer({ role: 'operator' }, lag, [], ownerOf);
    expect(ops.partitions).toHaveLength(3);
    expect(ops).not.toHaveProperty('otherTenantsPartitions');
  });
});
