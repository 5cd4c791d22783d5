import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ConfigResult } from '../../model/src/config-file.ts';
import type { TenantsCatalog } from '../../model/src/tenants.ts';

const child = fileURLToPath(new URL('./tenants-read.ts', import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Yields to the event loop: what comes after runs in a task of its own. */
export const nextTask = (): Promise<void> => new Promise((ok) => setImmediate(ok));

/** The child's lines: its outcome, then its tenants, parsed 500 at a time, one event-loop task each. */
async function readLines(lines: readonly string[]): Promise<ConfigResult<TenantsCatalog>> {
  const head = JSON.parse(lines[0] ?? '') as ConfigResult<TenantsCatalog> | { ok: true; tenants: number };
  if (!head.ok) return head;
  if (!('tenants' in head) || typeof head.tenants !== 'number') throw new Error('an unreadable answer');
  const tenants: TenantsCatalog['tenants'] = [];
  for (let k = 1; k <= head.tenants; k++) {
    tenants.push(JSON.parse(lines[k] ?? '') as TenantsCatalog['tenants'][number]);
    if (k % 500 === 0) await nextTask();
  }
  return { ok: true, value: { tenants } };
}

/**
 * Reads and checks a tenants file in a child process (node with tsx, `tenants-read.ts`), so that parsing and
 * checking a catalog of any size never holds the caller's event loop; what comes back is plain data. A child
 * that fails, dies or takes longer than `timeoutMs` is an error at the file's first line.
 */
export function readTenantsAside(
  path: string,
  timeoutMs = 60_000,
  thresholdNames?: readonly string[],
): Promise<ConfigResult<TenantsCatalog>> {
  return new Promise((resolve) => {
    const refused = (message: string): void =>
      resolve({ ok: false, errors: [{ file: path, line: 1, column: 1, message }] });
    const names = thresholdNames === undefined ? [] : [thresholdNames.join(',')];
    const proc = spawn(process.execPath, ['--import', tsx, child, path, ...names], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    proc.stdout.on('data', (b: Buffer) => out.push(b));
    proc.stderr.on('data', (b: Buffer) => err.push(b));
    proc.on('error', (e) => refused(`cannot be checked: ${e.message}`));
    proc.on('close', (code, signal) => {
      if (code !== 0) {
        const last = Buffer.concat(err).toString('utf8').trim().split('\n').at(-1) ?? '';
        refused(
          `cannot be checked: the checking process ${signal === null ? `exited ${code}` : `was ended (${signal}, over ${timeoutMs} ms)`}${last === '' ? '' : `: ${last}`}`,
        );
        return;
      }
      readLines(Buffer.concat(out).toString('utf8').split('\n')).then(resolve, (e: unknown) =>
        refused(`cannot be checked: ${(e as Error).message}`),
      );
    });
  });
}
