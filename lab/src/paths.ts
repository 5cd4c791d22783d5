import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The lab's checked-in resources (pom, exporter config, log4j2 config), beside this folder. */
export const labResources = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Where downloaded jars live between runs: outside the repo, reused by every lab. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.LOOKOUT_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'lookout');
  return resolve(base);
}

/** The default home of a lab started from the shell: its state file, node data and logs. */
export function defaultLabDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.LOOKOUT_LAB_DIR ?? join(tmpdir(), 'lookout-lab'));
}
