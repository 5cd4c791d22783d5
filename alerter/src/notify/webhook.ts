import { alertLinks } from './links.ts';
import type { Notification } from './notification.ts';
import { postJson } from './http-post.ts';
import type { Sender } from './sender.ts';

/**
 * The documented webhook payload (docs/notifications.md), version 1: the group, its status, its alerts with
 * labels, annotations and what they affect, the alerts it hides, and the incident key to deduplicate on.
 */
export function webhookPayload(n: Notification, id: number): Record<string, unknown> {
  return {
    version: '1',
    notificationId: id,
    incidentKey: n.incidentKey,
    receiver: n.receiver,
    status: n.status,
    kind: n.kind,
    groupLabels: n.groupLabels,
    ...(n.tenant === undefined ? {} : { tenant: n.tenant }),
    alerts: n.alerts.map((a) => ({
      status: a.status,
      fingerprint: a.fingerprint,
      labels: a.labels,
      annotations: a.annotations,
      severity: a.severity,
      value: a.value,
      startsAt: new Date(a.startsAtMs).toISOString(),
      ...(a.endsAtMs === undefined ? {} : { endsAt: new Date(a.endsAtMs).toISOString() }),
      ...(a.affected === undefined ? {} : { affected: a.affected }),
      links: alertLinks(n.links, a.annotations),
    })),
    suppressed: n.suppressed,
    ...(n.incident === undefined ? {} : { incident: n.incident }),
    links: n.links,
    sentFor: new Date(n.createdAtMs).toISOString(),
  };
}

const pdSeverity = { page: 'critical', ticket: 'warning', info: 'info' } as const;

/** The PagerDuty Events API v2 event for a notification: trigger or resolve, dedup_key the incident key. */
export function pagerDutyEvent(n: Notification, routingKey: string): Record<string, unknown> {
  const first = n.alerts[0];
  const names = [...new Set(n.alerts.map((a) => a.labels.alertname ?? ''))].join(', ');
  if (n.status === 'resolved')
    return { routing_key: routingKey, event_action: 'resolve', dedup_key: n.incidentKey };
  const firing = n.alerts.filter((a) => a.status === 'firing');
  const summary =
    firing.length === 1
      ? (firing[0]?.annotations.summary ?? names)
      : `${firing.length} alerts: ${names} (${Object.values(n.groupLabels).join(', ')})`;
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: n.incidentKey,
    payload: {
      summary: summary.slice(0, 1024),
      source: n.groupLabels.cluster ?? 'lookout',
      severity: pdSeverity[first?.severity ?? 'page'],
      timestamp: new Date(first?.startsAtMs ?? n.createdAtMs).toISOString(),
      component: first?.labels.broker === undefined ? 'kafka' : `broker ${first.labels.broker}`,
      group: n.groupLabels.cluster,
      class: names,
      custom_details: {
        alerts: firing.map((a) => ({
          labels: a.labels,
          summary: a.annotations.summary,
          value: a.value,
          affected: a.affected,
        })),
        suppressed: n.suppressed.map((s) => s.summary),
      },
    },
    links: [
      ...firing.flatMap((a) => {
        const { runbook } = alertLinks(n.links, a.annotations);
        return runbook === undefined ? [] : [{ href: runbook, text: `Runbook: ${a.labels.alertname}` }];
      }),
    ].slice(0, 5),
  };
}

/** Posts notifications to a webhook: Lookout's JSON, or PagerDuty Events v2 (with the routing key). */
export function webhookSender(options: {
  url: string;
  format: 'lookout' | 'pagerduty';
  routingKey?: string;
  timeoutMs: number;
}): Sender {
  return {
    send: (n, id) =>
      postJson(
        options.url,
        options.format === 'pagerduty' ? pagerDutyEvent(n, options.routingKey ?? '') : webhookPayload(n, id),
        { timeoutMs: options.timeoutMs, headers: { 'idempotency-key': `${n.incidentKey}-${id}` } },
      ),
  };
}
