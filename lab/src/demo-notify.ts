import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { notifySchema } from '../../alerter/src/config.ts';
import type { NotifyConfig } from '../../alerter/src/config.ts';
import { startSmtpCatcher, startWebhookReceiver } from './catchers.ts';
import type { SmtpCatcher, WebhookReceiver } from './catchers.ts';

/** The demo's receivers: a local pager (webhook receiver) and a local SMTP server, both keeping what they get. */
export interface DemoInbox {
  pager: WebhookReceiver;
  smtp: SmtpCatcher;
  dir: string;
  notify: NotifyConfig;
  close(): Promise<void>;
}

/**
 * Starts the demo's pager and mailbox and the alerter's notify config for them: pages to the pager, tenant
 * alerts to the tenants' contacts, everything else to an operators' mailbox. Every page and email is written
 * to `dir` (pages as JSON, emails as text) and announced through `say`.
 */
export async function startDemoInbox(dir: string, say: (line: string) => void): Promise<DemoInbox> {
  mkdirSync(dir, { recursive: true });
  const pager = await startWebhookReceiver();
  const smtp = await startSmtpCatcher();
  let n = 0;
  const file = (kind: string, ext: string): string => {
    n += 1;
    return join(dir, `${String(n).padStart(4, '0')}-${kind}.${ext}`);
  };
  pager.onReceive = (r) => {
    const body = r.body as { status?: string; groupLabels?: Record<string, string> };
    const path = file('page', 'json');
    writeFileSync(path, JSON.stringify(r.body, null, 2));
    say(`page (${body.status ?? '?'}): ${Object.values(body.groupLabels ?? {}).join(' ')} → ${path}`);
  };
  smtp.onMail = (m) => {
    const path = file('email', 'txt');
    writeFileSync(path, `To: ${m.to.join(', ')}\nSubject: ${m.subject}\n\n${m.text}\n`);
    say(`email to ${m.to.join(', ')}: ${m.subject} → ${path}`);
  };
  const notify = notifySchema.parse({
    smtp: { host: '127.0.0.1', port: smtp.port, from: 'lookout@demo.invalid' },
    receivers: {
      oncall: { webhook: { url: pager.url } },
      tenants: { email: { to: 'owner' } },
      operators: { email: { to: ['kafka-ops@demo.invalid'] } },
    },
  });
  return {
    pager,
    smtp,
    dir,
    notify,
    close: async () => {
      await Promise.allSettled([pager.close(), smtp.close()]);
    },
  };
}
