#!/usr/bin/env node
// Builds the `lookout` command as JavaScript (dist/cli/): the TypeScript sources bundled by esbuild, one chunk per
// command, packages left to node_modules. `bin/lookout.mjs` runs it, and rebuilds it first when a source is newer
// (about 0.2 s), so a clone, an edit or a pull never runs stale code; tsx stays for development and tests.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const dist = join(root, 'dist', 'cli');
/** The folders whose sources make the command (tests and benchmarks do not). */
const sourceDirs = [
  'cli',
  'model/src',
  'collector/src',
  'rules/src',
  'alerter/src',
  'dashboards/src',
  'lab/src',
];

/** The newest modification time of the command's sources. */
export function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const d of sourceDirs) walk(join(root, d));
  return newest;
}

/**
 * A module's `import.meta.url` and `import.meta.dirname` as its source file's, not the chunk's: the sources find
 * the rule pack, the runbooks and the lab's files relative to themselves.
 */
const sourcePlaces = {
  name: 'source-places',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.')) return { contents: text, loader: 'ts' };
      const rel = relative(dist, args.path).split(sep).join('/');
      const url = `new URL(${JSON.stringify(rel)}, import.meta.url).href`;
      const contents = text
        .replaceAll('import.meta.url', url)
        .replaceAll(
          'import.meta.dirname',
          `decodeURIComponent(new URL('.', ${url}).pathname).replace(/\\/$/, '')`,
        );
      return { contents, loader: 'ts' };
    });
  },
};

/**
 * Builds dist/cli/: into a fresh folder, then each file moved in by an atomic rename. Chunks are named by their
 * content, so a run that is loading the last build finds every chunk it asks for; only `main.js` is replaced in
 * place. Files of builds before the last one are removed once they are 10 minutes old.
 */
export async function buildCli() {
  const tmp = `${dist}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  // Loaded here only: a run of a fresh build does not load esbuild.
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(root, 'cli', 'main.ts')],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir: tmp,
    logLevel: 'warning',
    plugins: [sourcePlaces],
  });
  writeFileSync(join(tmp, 'package.json'), '{ "type": "module" }\n');
  mkdirSync(dist, { recursive: true });
  const fresh = new Set(readdirSync(tmp));
  // main.js last: it names the chunks, which are in place by then.
  for (const f of [...fresh].filter((f) => f !== 'main.js')) renameSync(join(tmp, f), join(dist, f));
  renameSync(join(tmp, 'main.js'), join(dist, 'main.js'));
  rmSync(tmp, { recursive: true, force: true });
  for (const f of readdirSync(dist))
    if (!fresh.has(f) && Date.now() - statSync(join(dist, f)).mtimeMs > 10 * 60_000)
      rmSync(join(dist, f), { force: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildCli();
  console.error(`built ${relative(root, dist)}/`);
}
