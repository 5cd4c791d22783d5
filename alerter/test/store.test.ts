import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrackedAlert } from '../../rules/src/alert.ts';
import { AlertStore } from '../src/store/sqlite.ts';

const dir = mkdtempSync(join(tmpdir(), 'lookout-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const alert = (fingerprint: string, phase: TrackedAlert['phase']): TrackedAlert => ({
  fingerprint,
  rule: 'KafkaBrokerDown',
  labels: { alertname: 'KafkaBrokerDown', severity: 'page', cluster: 'a', broker: fingerprint },
  severity: 'page',
  audience: ['operators'],
  annotations: { summary: 's' },
  value: 0,
  phase,
  activeSince: 1_000,
  lastActiveAt: 2_000,
});

describe('AlertStore (SQLite)', () => {
  it('keeps alerts, their timers and the transition log across a reopen', () => {
    const path = join(dir, 'a.db');
    const store = new AlertStore(path);
    expect(store.lastEvaluationMs()).toBeUndefined();
    store.apply({
      atMs: 2_000,
      changed: [alert('1', 'pending'), alert('2', 'firing')],
      dropped: [],
      transitions: [
        {
          fingerprint: '2',
          rule: 'KafkaBrokerDown',
          labels: alert('2', 'firing').labels,
          from: 'inactive',
          to: 'firing',
          atMs: 2_000,
        },
      ],
    });
    store.apply({ atMs: 3_000, changed: [], dropped: ['1'], transitions: [] });
    store.close();
    const again = new AlertStore(path);
    expect(again.lastEvaluationMs()).toBe(3_000);
    expect([...(again.load().get('KafkaBrokerDown')?.values() ?? [])]).toEqual([alert('2', 'firing')]);
    expect(again.transitions()).toEqual([
      {
        id: 1,
        fingerprint: '2',
        rule: 'KafkaBrokerDown',
        labels: alert('2', 'firing').labels,
        from: 'inactive',
        to: 'firing',
        atMs: 2_000,
      },
    ]);
    again.close();
  });
});
