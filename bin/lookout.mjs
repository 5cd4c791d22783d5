#!/usr/bin/env node
// The `lookout` command: the CLI built as JavaScript (dist/cli/, see build.mjs), rebuilt first when a source is
// newer; where it cannot be built (no esbuild), the TypeScript through tsx.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const { dist, newestSource, buildCli } = await import('./build.mjs').catch(() => ({}));
let built = false;
if (dist !== undefined) {
  const main = join(dist, 'main.js');
  let at = 0;
  try {
    at = statSync(main).mtimeMs;
  } catch {
    // not built yet
  }
  built =
    at >= newestSource() ||
    (await buildCli().then(
      () => true,
      () => false,
    ));
}
if (built) {
  await import(pathToFileURL(join(dist, 'main.js')).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
