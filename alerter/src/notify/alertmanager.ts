import type { Notification } from './notification.ts';
import { postJson } from './http-post.ts';
import type { Sender } from './sender.ts';

/**
 * The alerts of a notification as Alertmanager's `POST /api/v2/alerts` takes them (resolved ones with endsAt),
 * each with its `generatorURL`: the alert on Lookout's page (`public_url`).
 */
export function alertmanagerAlerts(n: Notification): Record<string, unknown>[] {
  const page = n.links.alerter?.replace(/\/+$/, '');
  return n.alerts.map((a) => ({
    labels: a.labels,
    annotations: a.annotations,
    startsAt: new Date(a.startsAtMs).toISOString(),
    ...(a.endsAtMs === undefined ? {} : { endsAt: new Date(a.endsAtMs).toISOString() }),
    ...(page === undefined ? {} : { generatorURL: `${page}/#alert=${a.fingerprint}` }),
  }));
}

/** Forwards notifications to an existing Alertmanager, which then does its own routing. */
export function alertmanagerSender(options: { url: string; timeoutMs: number }): Sender {
  const base = options.url.replace(/\/+$/, '');
  return {
    send: (n) =>
      postJson(`${base}/api/v2/alerts`, alertmanagerAlerts(n), {
        timeoutMs: options.timeoutMs,
      }),
  };
}
