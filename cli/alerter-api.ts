import type { Command } from 'commander';

/** Where the alerter's API is, and the environment variable its token is read from. */
export interface Remote {
  url: string;
  tokenEnv: string;
}

/** `--url` and `--token-env`, the options of every command that talks to a running alerter. */
export const alerterOptions = (command: Command): Command =>
  command
    .option(
      '--url <url>',
      'the alerter (env LOOKOUT_URL)',
      process.env.LOOKOUT_URL ?? 'http://127.0.0.1:9310',
    )
    .option('--token-env <name>', 'environment variable holding the operator token', 'LOOKOUT_TOKEN');

/** Calls the alerter's API; an error answer becomes an Error with the API's reason and details. */
export async function api(remote: Remote, path: string, init: RequestInit = {}): Promise<unknown> {
  const token = process.env[remote.tokenEnv];
  let res: Response;
  try {
    res = await fetch(`${remote.url.replace(/\/+$/, '')}${path}`, {
      ...init,
      headers: {
        'content-type': 'application/json',
        ...(token === undefined || token === '' ? {} : { authorization: `Bearer ${token}` }),
      },
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    throw new Error(`cannot reach the alerter at ${remote.url}: ${(err as Error).message}`);
  }
  const body = (await res.json().catch(() => ({}))) as { error?: string; details?: string[] };
  if (!res.ok)
    throw new Error(
      `${res.status} ${body.error ?? res.statusText}${body.details === undefined ? '' : `\n  ${body.details.join('\n  ')}`}`,
    );
  return body;
}
