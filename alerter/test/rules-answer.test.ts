import { describe, expect, it } from 'vitest';
import type { TrackedAlert } from '../../rules/src/alert.ts';
import { loadRules } from '../../rules/src/load.ts';
import { rulesAnswer } from '../src/api/rules-answer.ts';
import type { RuleStatus } from '../src/engine/engine.ts';

const { rules } = loadRules(['rules/kafka/consumers.yaml']);
const statuses: RuleStatus[] = rules.map((r) => ({
  rule: r.alert,
  file: `/srv/lookout/rules/${r.alert}.yaml:1`,
  severity: r.severity,
  audience: r.audience,
  health: 'error',
  error: 'a query error naming /srv/lookout',
  pending: 0,
  firing: 0,
}));
const alert = (group: string, phase: TrackedAlert['phase']): TrackedAlert => ({
  fingerprint: group,
  rule: 'ConsumerLagHigh',
  labels: { alertname: 'ConsumerLagHigh', cluster: 'a', group },
  severity: 'ticket',
  audience: ['tenant'],
  annotations: {},
  value: 1,
  phase,
});
const alerts = [
  alert('shop-a', 'firing'),
  alert('shop-b', 'pending'),
  alert('search-a', 'firing'),
  alert('search-b', 'firing'),
];
const ownerOf = (labels: Record<string, string>): string => (labels.group ?? '').split('-')[0] ?? '';

describe('GET /api/rules as each caller sees it', () => {
  it('counts every alert for an operator, and only its own for a tenant, with no path or error', () => {
    const last = { atMs: Date.UTC(2026, 11, 7, 12), durationMs: 412.4 };
    const ops = rulesAnswer({ role: 'operator' }, statuses, rules, alerts, ownerOf, last);
    expect(ops.evaluation).toEqual({ at: '2026-12-07T12:00:00.000Z', durationMs: 412 });
    expect(ops.rules.find((r) => r.rule === 'ConsumerLagHigh')).toMatchObject({
      pending: 1,
      firing: 3,
      for: '5m',
    });
    const shop = rulesAnswer({ role: 'tenant', tenant: 'shop' }, statuses, rules, alerts, ownerOf, last);
    expect(shop.rules.find((r) => r.rule === 'ConsumerLagHigh')).toMatchObject({ pending: 1, firing: 1 });
    expect(JSON.stringify(shop)).not.toMatch(/srv|search/);
    const nobody = rulesAnswer(
      { role: 'tenant', tenant: 'logistics' },
      statuses,
      rules,
      alerts,
      ownerOf,
      undefined,
    );
    expect(nobody.rules.every((r) => r.pending === 0 && r.firing === 0)).toBe(true);
    expect(nobody.evaluation).toBeUndefined();
  });
});
