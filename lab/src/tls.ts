import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A certificate and its private key, as PEM files. */
export interface CertFiles {
  cert: string;
  key: string;
}

/** What a certificate is for: a server (the brokers, the agents) or a client (mTLS). */
export interface CertRequest {
  /** Its subject's common name: a client's principal once the brokers map it (`CN=lookout` → `User:lookout`). */
  cn: string;
  usage: 'server' | 'client';
  /** Days it is valid from now; a negative number gives a certificate that has already expired. */
  days: number;
}

function openssl(args: readonly string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '');
    throw new Error(`openssl ${args[0]} failed: ${stderr.trim() || (error as Error).message}`);
  }
}

const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A throwaway certificate authority in `dir` (`NAME.pem`, `NAME.key`), valid two days. */
export function makeCa(dir: string, name: string): CertFiles {
  mkdirSync(dir, { recursive: true });
  const ca = { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
  openssl([
    'req',
    '-x509',
    ...ecKey,
    '-keyout',
    ca.key,
    '-out',
    ca.cert,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return ca;
}

/**
 * A certificate signed by `ca`, in `dir` as `NAME.pem` and `NAME.key` (PKCS#8, unencrypted). A server's names
 * are 127.0.0.1 and localhost: the lab listens on loopback only.
 */
export function issueCert(ca: CertFiles, dir: string, name: string, request: CertRequest): CertFiles {
  const out = { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  openssl(['req', '-new', ...ecKey, '-keyout', out.key, '-out', csr, '-subj', `/CN=${request.cn}`]);
  writeFileSync(
    ext,
    request.usage === 'server'
      ? 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n'
      : 'extendedKeyUsage=clientAuth\n',
  );
  openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-out',
    out.cert,
    '-days',
    String(request.days),
    '-extfile',
    ext,
  ]);
  return out;
}

/** `cert` with its key and `ca`'s certificate as a PKCS#12 key store (alias `alias`): what the JVMs read. */
export function pkcs12(
  files: CertFiles,
  ca: CertFiles,
  out: string,
  alias: string,
  password: string,
): string {
  openssl([
    'pkcs12',
    '-export',
    '-in',
    files.cert,
    '-inkey',
    files.key,
    '-certfile',
    ca.cert,
    '-name',
    alias,
    '-out',
    out,
    '-passout',
    `pass:${password}`,
  ]);
  return out;
}
