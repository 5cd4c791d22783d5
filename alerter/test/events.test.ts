import { describe, expect, it } from 'vitest';
import type { TrackedAlert, Transition } from '../../rules/src/alert.ts';
import { AlertEvents, alertEvent } from '../src/events.ts';

const transition = (from: Transition['from'], to: Transition['to'], atMs = 1_000): Transition => ({
  fingerprint: 'f1',
  rule: 'ConsumerLagHigh',
  labels: {
    alertname: 'ConsumerLagHigh',
    severity: 'ticket',
    cluster: 'prod',
    group: 'billing',
    topic: 'pay',
  },
  from,
  to,
  atMs,
});

describe('alert events', () => {
  it('a firing and a resolve become alert_event points with the owner and the object; pending is not shown', () => {
    expect(alertEvent(transition('pending', 'firing'), 'payments')).toEqual({
      measurement: 'alert_event',
      tags: { cluster: 'prod', alertname: 'ConsumerLagHigh', severity: 'ticket', tenant: 'payments' },
      fields: {
        phase: 'firing',
        text: 'ConsumerLagHigh firing: topic pay, group billing',
        fingerprint: 'f1',
      },
      timeMs: 1_000,
    });
    expect(alertEvent(transition('firing', 'resolved'), '')?.fields.phase).toBe('resolved');
    expect(alertEvent(transition('inactive', 'pending'), '')).toBeUndefined();
    expect(alertEvent(transition('pending', 'resolved'), '')).toBeUndefined();
  });

  it('keeps what could not be written and sends it with the next flush, oldest dropped past the limit', async () => {
    const bodies: string[] = [];
    let up = false;
    const events = new AlertEvents(
      (body) => (up ? Promise.resolve(void bodies.push(body)) : Promise.reject(new Error('down'))),
      () => 'payments',
      3,
    );
    events.record([transition('pending', 'firing', 1), transition('firing', 'resolved', 2)], [], 2);
    await expect(events.flush()).rejects.toThrow('down');
    expect(events.backlog()).toBe(2);
    events.record([transition('pending', 'firing', 3), transition('firing', 'resolved', 4)], [], 4);
    expect(events.backlog()).toBe(3);
    up = true;
    await events.flush();
    expect(events.backlog()).toBe(0);
    expect(bodies).toHaveLength(1);
    const lines = (bodies[0] ?? '').trim().split('\n');
    expect(lines.map((l) => l.split(' ').at(-1))).toEqual(['2', '3', '4']);
    expect(lines[0]).toMatch(
      /^alert_event,alertname=ConsumerLagHigh,cluster=prod,severity=ticket,tenant=payments /,
    );
  });

  it('counts the alerts firing after each evaluation by cluster, severity and owner, with a zero once none fires', async () => {
    const bodies: string[] = [];
    const events = new AlertEvents(
      (body) => Promise.resolve(void bodies.push(body)),
      (labels) => (labels.group === 'billing' ? 'payments' : ''),
    );
    const alert = (fingerprint: string, labels: Record<string, string>, phase: 'firing' | 'pending') =>
      ({ fingerprint, labels, phase, severity: 'ticket' }) as unknown as TrackedAlert;
    events.record(
      [],
      [
        alert('a', { cluster: 'prod', group: 'billing' }, 'firing'),
        alert('b', { cluster: 'prod', group: 'billing' }, 'firing'),
        alert('c', { cluster: 'prod', broker: '3' }, 'firing'),
        alert('d', { cluster: 'prod', group: 'billing' }, 'pending'),
      ],
      10,
    );
    events.record([], [alert('c', { cluster: 'prod', broker: '3' }, 'firing')], 20);
    await events.flush();
    expect((bodies[0] ?? '').trim().split('\n')).toEqual([
      'alert_count,cluster=prod,severity=ticket,tenant=payments firing=2i 10',
      'alert_count,cluster=prod,severity=ticket firing=1i 10',
      'alert_count,cluster=prod,severity=ticket,tenant=payments firing=0i 20',
      'alert_count,cluster=prod,severity=ticket firing=1i 20',
    ]);
  });
});
