import { alertmanagerSender } from './alertmanager.ts';
import type { DeliveryConfig } from './config.ts';
import type { Sender } from './sender.ts';
import { smtpSender } from './smtp.ts';
import { webhookSender } from './webhook.ts';

/** The secrets senders need, read from the environment at load: the SMTP password, PagerDuty routing keys. */
export interface SenderSecrets {
  smtpPassword?: string;
  /** By receiver name. */
  routingKeys: Readonly<Record<string, string>>;
}

/** The senders of a config's receivers (one per receiver; email receivers share the SMTP transport). */
export function sendersOf(
  config: DeliveryConfig,
  secrets: SenderSecrets,
): { senders: Map<string, Sender>; close: () => void } {
  const senders = new Map<string, Sender>();
  const smtp =
    config.smtp === undefined
      ? undefined
      : smtpSender({
          host: config.smtp.host,
          port: config.smtp.port,
          secure: config.smtp.secure,
          requireTls: config.smtp.require_tls,
          ...(config.smtp.username === undefined ? {} : { username: config.smtp.username }),
          ...(secrets.smtpPassword === undefined ? {} : { password: secrets.smtpPassword }),
          from: config.smtp.from,
          timeoutMs: config.smtp.timeout,
        });
  for (const [name, r] of Object.entries(config.receivers)) {
    if ('webhook' in r)
      senders.set(
        name,
        webhookSender({
          url: r.webhook.url,
          format: r.webhook.format,
          timeoutMs: r.webhook.timeout,
          ...(secrets.routingKeys[name] === undefined ? {} : { routingKey: secrets.routingKeys[name] }),
        }),
      );
    else if ('alertmanager' in r)
      senders.set(name, alertmanagerSender({ url: r.alertmanager.url, timeoutMs: r.alertmanager.timeout }));
    else if (smtp !== undefined) senders.set(name, smtp);
  }
  return { senders, close: () => smtp?.close() };
}
