import nodemailer from 'nodemailer';
import type { Email } from './email.ts';
import { renderEmail } from './email.ts';
import { DeliveryError } from './sender.ts';
import type { Sender } from './sender.ts';

/** An SMTP server to send through; the password comes from the environment, never from a file. */
export interface SmtpOptions {
  host: string;
  port: number;
  secure: boolean;
  requireTls: boolean;
  username?: string;
  password?: string;
  from: string;
  timeoutMs: number;
}

/**
 * Sends email through nodemailer (imported here only). A 5xx answer to the message is permanent; connection
 * failures and 4xx are retried.
 */
export function smtpSender(options: SmtpOptions): Sender & { close(): void } {
  const transport = nodemailer.createTransport({
    host: options.host,
    port: options.port,
    secure: options.secure,
    requireTLS: options.requireTls,
    ignoreTLS: !options.secure && !options.requireTls,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
    ...(options.username === undefined
      ? {}
      : { auth: { user: options.username, pass: options.password ?? '' } }),
  });
  const deliver = async (email: Email): Promise<void> => {
    if (email.to.length === 0) throw new DeliveryError('no contacts to send to', 'permanent');
    try {
      await transport.sendMail({
        from: options.from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        messageId: email.messageId,
        references: `<${email.incidentKey}@lookout>`,
        headers: { 'X-Lookout-Incident': email.incidentKey },
      });
    } catch (err) {
      const e = err as { code?: string; responseCode?: number; message: string };
      if (e.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(e.message))
        throw new DeliveryError('connection refused', 'refused');
      const permanent = e.responseCode !== undefined && e.responseCode >= 500;
      throw new DeliveryError(
        e.message.replace(options.password ?? '\u0000', '***'),
        permanent ? 'permanent' : 'retry',
      );
    }
  };
  return { send: (n, id) => deliver(renderEmail(n, id)), close: () => transport.close() };
}
