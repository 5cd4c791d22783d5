import { X509Certificate } from 'node:crypto';
import type { KafkaEndpoint } from './client.ts';

/** The fields of kafkajs's and Node's errors that say why (duck-typed: no class of theirs is needed). */
interface ErrorShape {
  name?: string;
  message?: string;
  code?: string | number;
  type?: string;
  broker?: string;
  cause?: unknown;
  originalError?: unknown;
  causes?: readonly { broker: string; error: unknown }[];
}

/** Kafka's authorization error codes (the protocol's), with the privilege the collector lacked. */
const authorization: Record<string, string> = {
  TOPIC_AUTHORIZATION_FAILED: 'a privilege on a topic',
  GROUP_AUTHORIZATION_FAILED: 'Describe on consumer groups',
  CLUSTER_AUTHORIZATION_FAILED: 'Describe on the cluster',
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 'Describe on transactional ids',
};
const authorizationCodes: Record<number, string> = {
  29: 'TOPIC_AUTHORIZATION_FAILED',
  30: 'GROUP_AUTHORIZATION_FAILED',
  31: 'CLUSTER_AUTHORIZATION_FAILED',
  53: 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
};

/**
 * The error of a request we decode ourselves whose answer carries error code `code`: named when Kafka's
 * authorization codes name it, the code kept on the error for `securityCause`.
 */
export function answerError(what: string, code: number): Error {
  const name = authorizationCodes[code];
  return Object.assign(
    new Error(`${what} failed with error code ${code}${name === undefined ? '' : ` (${name})`}`),
    {
      code,
    },
  );
}

/** Node's (OpenSSL's) verdicts on a broker's certificate. */
const untrusted = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);

/** What the broker's TLS alert says of our client certificate. */
const alerts: Record<string, string> = {
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'bad certificate',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN: 'certificate unknown',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: 'certificate expired',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'unknown CA',
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'certificate required',
};

/**
 * An error and its causes, outermost first (kafkajs wraps retries and connection errors; our session keeps each
 * bootstrap broker's error in `causes`).
 */
function chain(error: unknown): ErrorShape[] {
  const out: ErrorShape[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && out.length < 16) {
    const at = queue.shift();
    if (at === null || typeof at !== 'object') continue;
    const e = at as ErrorShape;
    out.push(e);
    queue.push(e.originalError ?? e.cause, ...(e.causes ?? []).map((c) => c.error));
  }
  return out;
}

/** Our client certificate's subject (`certificate CN=lookout`), when we log in with one. */
function certificateSubject(endpoint: KafkaEndpoint): string | undefined {
  const pem = endpoint.tls?.client?.cert;
  if (pem === undefined) return undefined;
  try {
    return `certificate ${new X509Certificate(pem).subject.replaceAll('\n', ',')}`;
  } catch {
    return 'our certificate';
  }
}

/** When our client certificate is out of its validity at `nowMs`: the reason the broker refused it. */
function clientCertProblem(endpoint: KafkaEndpoint, nowMs: number): string | undefined {
  const pem = endpoint.tls?.client?.cert;
  if (pem === undefined) return undefined;
  try {
    const cert = new X509Certificate(pem);
    if (Date.parse(cert.validTo) < nowMs)
      return `our client certificate (${cert.subject}) expired on ${cert.validTo}`;
    if (Date.parse(cert.validFrom) > nowMs)
      return `our client certificate is not valid until ${cert.validFrom}`;
  } catch {
    return 'our client certificate (tls.cert_file) is not a PEM certificate';
  }
  return undefined;
}

/**
 * Why the cluster refused us, when it was a matter of security: authentication (SASL), TLS (a certificate either
 * side would not accept) or authorization (an ACL missing). Undefined for anything else (a broker down, a
 * timeout), which the caller reports as it was.
 */
export function securityCause(
  error: unknown,
  endpoint: KafkaEndpoint,
  nowMs = Date.now(),
): string | undefined {
  for (const e of chain(error)) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    const type = e.type ?? (typeof e.code === 'number' ? authorizationCodes[e.code] : undefined);
    if (
      e.name === 'KafkaJSSASLAuthenticationError' ||
      /SASL .*authentication failed/i.test(e.message ?? '')
    ) {
      const sasl = endpoint.sasl;
      const who = sasl === undefined ? '' : ` as ${sasl.username} (${sasl.mechanism.toUpperCase()})`;
      return `SASL authentication${who} failed: wrong password, or no such user`;
    }
    if (type !== undefined && authorization[type] !== undefined) {
      const user = endpoint.sasl?.username ?? certificateSubject(endpoint) ?? '';
      return `not authorized (${type})${user === '' ? '' : ` for ${user}`}: the ACLs lack ${authorization[type]}`;
    }
    if (code !== undefined && untrusted.has(code))
      return `the broker's certificate is not trusted (${code}): set tls.ca_file to the CA that signed it`;
    if (code === 'CERT_HAS_EXPIRED') return "the broker's certificate has expired (CERT_HAS_EXPIRED)";
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
      return "the broker's certificate does not name the host we connect to (ERR_TLS_CERT_ALTNAME_INVALID)";
    if (code !== undefined && alerts[code] !== undefined) {
      if (endpoint.tls?.client === undefined)
        return `the broker wants a client certificate (mutual TLS; TLS alert: ${alerts[code]}): set tls.cert_file and tls.key_file`;
      const own = clientCertProblem(endpoint, nowMs);
      return `the broker refused our client certificate (TLS alert: ${alerts[code]})${own === undefined ? ': is it signed by a CA the broker trusts?' : `: ${own}`}`;
    }
  }
  return undefined;
}

/** The broker an error came from, when kafkajs or our session says. */
function brokerOf(error: unknown): string | undefined {
  return chain(error).find((e) => typeof e.broker === 'string')?.broker;
}

/**
 * An error of a Kafka source said plainly: the broker and the cause for a security refusal (`securityCause`), each
 * bootstrap broker's when none answered; the error's own message otherwise. No secret is ever in it.
 */
export function explainKafkaError(error: unknown, endpoint: KafkaEndpoint, nowMs = Date.now()): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = securityCause(error, endpoint, nowMs);
  if (cause === undefined || message.includes(cause)) return message;
  const causes = chain(error).find((e) => e.causes !== undefined)?.causes;
  if (causes !== undefined && causes.length > 0) {
    const said = causes.map((c) => ({ broker: c.broker, cause: securityCause(c.error, endpoint, nowMs) }));
    const first = said[0]?.cause;
    if (first !== undefined && said.every((s) => s.cause === first))
      return `broker ${said.map((s) => s.broker).join(', ')}: ${first}`;
    if (said.some((s) => s.cause !== undefined))
      return said
        .map(
          (s, i) =>
            `broker ${s.broker}: ${s.cause ?? String((causes[i]?.error as Error | undefined)?.message)}`,
        )
        .join('; ');
    return message;
  }
  const broker = brokerOf(error);
  return broker === undefined ? cause : `broker ${broker}: ${cause}`;
}
