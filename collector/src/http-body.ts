import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Why a fetch of a target failed, said plainly (no URL credentials, no password, no stack). */
export class TargetError extends Error {}

/** How to reach an agent that wants TLS or a password (the JMX exporter's and Jolokia's `httpServer` options). */
export interface HttpAccess {
  /** HTTP basic authentication. */
  basic?: { username: string; password: string };
  /** TLS: a CA bundle (PEM text) the agent's certificate must chain to, and whether to verify it at all. */
  tls?: { ca?: string; verify: boolean };
}

/** What to send, beside the URL. */
export interface FetchInit extends HttpAccess {
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** TLS error codes of Node (OpenSSL's verify results), said as an operator would want to read them. */
const tlsCauses: Record<string, string> = {
  CERT_HAS_EXPIRED: 'its certificate has expired',
  CERT_NOT_YET_VALID: 'its certificate is not valid yet',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate is self-signed and not trusted (set tls.ca_file)',
  SELF_SIGNED_CERT_IN_CHAIN: 'its certificate chains to a CA we do not trust (set tls.ca_file)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate is signed by a CA we do not trust (set tls.ca_file)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its certificate is signed by a CA we do not trust (set tls.ca_file)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate does not name this host',
  EPROTO: 'it does not speak TLS here (is the scheme https on a plain HTTP port?)',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
};

function unreachable(error: Error & { code?: string }): TargetError {
  const cause = error.code === undefined ? undefined : tlsCauses[error.code];
  return new TargetError(`unreachable (${cause === undefined ? error.message : `${cause}: ${error.code}`})`);
}

/** What a refusal means, beside its status: 401 names the user tried (never the password). */
function refusal(status: number, access: HttpAccess): string {
  if (status === 401)
    return access.basic === undefined
      ? 'HTTP 401: the agent wants a user and password (set basic_auth)'
      : `HTTP 401: the agent refused user ${access.basic.username} (wrong password?)`;
  if (status === 403) return 'HTTP 403: the agent refused access';
  return `HTTP ${status}`;
}

function send(url: URL, init: FetchInit, timeoutMs: number): Promise<IncomingMessage> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
  if (init.basic !== undefined)
    headers.authorization = `Basic ${Buffer.from(`${init.basic.username}:${init.basic.password}`).toString('base64')}`;
  const https = url.protocol === 'https:';
  const options = {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    signal:
      init.signal === undefined
        ? AbortSignal.timeout(timeoutMs)
        : AbortSignal.any([AbortSignal.timeout(timeoutMs), init.signal]),
    ...(https && init.tls !== undefined
      ? { rejectUnauthorized: init.tls.verify, ...(init.tls.ca === undefined ? {} : { ca: init.tls.ca }) }
      : {}),
  };
  return new Promise((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(url, options, resolve);
    req.once('error', (error: Error & { code?: string }) =>
      reject(
        error.name === 'AbortError' && init.signal?.aborted !== true
          ? new TargetError(`no answer within ${timeoutMs} ms`)
          : unreachable(error),
      ),
    );
    req.end(init.body);
  });
}

/**
 * Fetches `url` (http or https, with the agent's TLS and basic authentication) and returns its body's bytes,
 * failing after `timeoutMs` or once the body passes `maxBytes` (a broken or hostile target cannot exhaust
 * memory). Errors are `TargetError`s that say why, never with the password.
 */
export async function fetchBounded(
  url: string,
  timeoutMs: number,
  maxBytes: number,
  init: FetchInit = {},
): Promise<Buffer> {
  let at = new URL(url);
  let res = await send(at, init, timeoutMs);
  // A redirect on the same server is followed (Jetty's /jolokia → /jolokia/), a few times at most; one elsewhere
  // is not, so credentials never leave the agent they are for.
  for (let hops = 0; hops < 3 && [301, 302, 303, 307, 308].includes(res.statusCode ?? 0); hops++) {
    const location = res.headers.location;
    if (location === undefined) break;
    const next = new URL(location, at);
    if (next.origin !== at.origin) break;
    res.destroy();
    at = next;
    res = await send(at, init, timeoutMs);
  }
  const status = res.statusCode ?? 0;
  if (status < 200 || status > 299) {
    res.destroy();
    throw new TargetError(refusal(status, init));
  }
  const declared = Number(res.headers['content-length'] ?? 0);
  if (declared > maxBytes) {
    res.destroy();
    throw new TargetError(`body of ${declared} bytes exceeds the ${maxBytes}-byte limit`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res) {
      size += (chunk as Buffer).byteLength;
      if (size > maxBytes) throw new TargetError(`body exceeds the ${maxBytes}-byte limit`);
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    res.destroy();
    if (error instanceof TargetError) throw error;
    const name = (error as Error).name;
    throw new TargetError(
      name === 'AbortError' && init.signal?.aborted !== true
        ? `no complete answer within ${timeoutMs} ms`
        : `read failed (${(error as Error).message})`,
    );
  }
  return Buffer.concat(chunks);
}
