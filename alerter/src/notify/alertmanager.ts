import type { Notification } from './notification.ts';
import { postJson } from './http-post.ts';
import type { Sender } from './sender.ts';

/** The alerts of a notification as Alertmanager's `POST /api/v2/alerts` takes them (resolved ones with endsAt). */
export function alertmanagerAlerts(n: Notification, generatorUrl?: string): Record<string, unknown>[] {
  return n.alerts.map((a) => ({
    labels: a.labels,
    annotations: a.annotations,
    startsAt: new Date(a.startsAtMs).toISOString(),
    ...(a.endsAtMs === undefined ? {} : { endsAt: new Date(a.endsAtMs).toISOString() }),
    ...(generatorUrl === undefined ? {} : { generatorURL: generatorUrl }),
  }));
}

/** Forwards notifications to an existing Alertmanager, which then does its own routing. */
export function alertmanagerSender(options: { url: string; timeoutMs: number }): Sender {
  const base = options.url.replace(/\/+$/, '');
  return {
    send: (n) =>
      postJson(`${base}/api/v2/alerts`, alertmanagerAlerts(n, n.links.alerter), {
        timeoutMs: options.timeoutMs,
      }),
  };
}
