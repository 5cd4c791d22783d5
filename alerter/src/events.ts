import type { TrackedAlert, Transition } from '../../rules/src/alert.ts';
import type { Labels } from '../../model/src/labels.ts';
import { encodeLines } from '../../model/src/line-protocol.ts';
import type { Sample } from '../../model/src/sample.ts';

/** The labels that name what an alert is about, in the order an event's text gives them. */
const objectLabels = ['broker', 'topic', 'partition', 'group', 'log_dir', 'target'];

/** One transition as an `alert_event` point, or undefined for those dashboards do not show (pending, dropped). */
export function alertEvent(t: Transition, tenant: string): Sample | undefined {
  const phase = t.to === 'firing' ? 'firing' : t.to === 'resolved' && t.from === 'firing' ? 'resolved' : '';
  if (phase === '') return undefined;
  const alertname = t.labels.alertname ?? t.rule;
  const object = objectLabels
    .filter((k) => (t.labels[k] ?? '') !== '')
    .map((k) => `${k} ${t.labels[k] ?? ''}`)
    .join(', ');
  return {
    measurement: 'alert_event',
    tags: {
      cluster: t.labels.cluster ?? '',
      alertname,
      severity: t.labels.severity ?? '',
      tenant,
    },
    fields: {
      phase,
      text: `${alertname} ${phase}${object === '' ? '' : `: ${object}`}`,
      fingerprint: t.fingerprint,
    },
    timeMs: t.atMs,
  };
}

/**
 * Alert transitions written to InfluxDB as `alert_event` points (the dashboards' annotations), and after each
 * evaluation the alerts firing as `alert_count` (their active alerts). Points that could
 * not be written are kept, up to `limit`, and go with the next flush: an InfluxDB outage delays them, and only a
 * very long one loses the oldest.
 */
export class AlertEvents {
  private pending: Sample[] = [];
  /** Tag sets counted before: they get a zero once nothing fires there, so the last value is never stale. */
  private readonly counted = new Map<string, Record<string, string>>();

  constructor(
    private readonly write: (body: string) => Promise<void>,
    private readonly ownerOf: (labels: Labels) => string,
    private readonly limit = 10_000,
  ) {}

  /** Queues one evaluation's transitions as events, and the alerts firing after it as counts. */
  record(transitions: readonly Transition[], alerts: readonly TrackedAlert[], atMs: number): void {
    for (const t of transitions) {
      const event = alertEvent(t, this.ownerOf(t.labels));
      if (event !== undefined) this.pending.push(event);
    }
    this.pending.push(...this.counts(alerts, atMs));
    if (this.pending.length > this.limit) this.pending.splice(0, this.pending.length - this.limit);
  }

  private counts(alerts: readonly TrackedAlert[], atMs: number): Sample[] {
    const firing = new Map<string, number>();
    for (const a of alerts) {
      if (a.phase !== 'firing') continue;
      const tags = { cluster: a.labels.cluster ?? '', severity: a.severity, tenant: this.ownerOf(a.labels) };
      const key = JSON.stringify(tags);
      this.counted.set(key, tags);
      firing.set(key, (firing.get(key) ?? 0) + 1);
    }
    return [...this.counted].map(([key, tags]) => ({
      measurement: 'alert_count',
      tags,
      fields: { firing: firing.get(key) ?? 0 },
      timeMs: atMs,
    }));
  }

  /** Events waiting to be written. */
  backlog(): number {
    return this.pending.length;
  }

  /** Writes what is queued; on failure it stays queued and the error is thrown. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    try {
      await this.write(encodeLines(batch).body);
    } catch (err) {
      this.pending = [...batch, ...this.pending].slice(-this.limit);
      throw err;
    }
  }
}
