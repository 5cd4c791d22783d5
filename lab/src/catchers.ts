import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One request a webhook receiver got. */
export interface Received {
  atMs: number;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** A local webhook receiver (the demo's pager, the drills' and benchmarks'): keeps what it got. */
export interface WebhookReceiver {
  url: string;
  port: number;
  received: Received[];
  /** Answers the next requests with this status (and Retry-After, if given) instead of 200. */
  failNext(count: number, status: number, retryAfter?: string): void;
  /** Called on every request as it arrives. */
  onReceive?: (r: Received) => void;
  close(): Promise<void>;
}

/** Starts a webhook receiver on `port` (0: any free one). */
export async function startWebhookReceiver(port = 0, host = '127.0.0.1'): Promise<WebhookReceiver> {
  const failures: { status: number; retryAfter?: string }[] = [];
  const receiver: WebhookReceiver = {
    url: '',
    port: 0,
    received: [],
    failNext(count, status, retryAfter) {
      for (let i = 0; i < count; i += 1)
        failures.push({ status, ...(retryAfter === undefined ? {} : { retryAfter }) });
    },
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const fail = failures.shift();
      if (fail !== undefined) {
        res.writeHead(fail.status, fail.retryAfter === undefined ? {} : { 'retry-after': fail.retryAfter });
        res.end('try later');
        return;
      }
      let body: unknown = Buffer.concat(chunks).toString('utf8');
      try {
        body = JSON.parse(body as string);
      } catch {
        // kept as text
      }
      const r: Received = { atMs: Date.now(), path: req.url ?? '/', headers: req.headers, body };
      receiver.received.push(r);
      receiver.onReceive?.(r);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok());
  });
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://${host}:${receiver.port}/`;
  return receiver;
}

/** One email an SMTP catcher got, parsed. */
export interface CaughtMail {
  atMs: number;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: Map<string, unknown>;
  messageId: string;
}

/** A local SMTP server that keeps every message (no TLS, no auth): the demo's and tests' mailbox. */
export interface SmtpCatcher {
  port: number;
  mails: CaughtMail[];
  onMail?: (m: CaughtMail) => void;
  close(): Promise<void>;
}

export async function startSmtpCatcher(port = 0, host = '127.0.0.1'): Promise<SmtpCatcher> {
  const catcher: SmtpCatcher = {
    port: 0,
    mails: [],
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, done) {
      simpleParser(stream)
        .then((parsed) => {
          const to = session.envelope.rcptTo.map((r) => r.address);
          const mail: CaughtMail = {
            atMs: Date.now(),
            from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
            to,
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            headers: parsed.headers,
            messageId: parsed.messageId ?? '',
          };
          catcher.mails.push(mail);
          catcher.onMail?.(mail);
          done();
        })
        .catch((err: Error) => done(err));
    },
  });
  await new Promise<void>((ok, fail) => {
    server.on('error', fail);
    server.listen(port, host, () => ok());
  });
  catcher.port = (server.server.address() as AddressInfo).port;
  return catcher;
}
