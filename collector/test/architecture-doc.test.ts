import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// docs/architecture.md is the map a newcomer reads first: a file it does not name is drift.
const root = new URL('../..', import.meta.url).pathname;
const doc = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');

function files(dir: string, ext: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? files(join(dir, e.name), ext)
      : e.name.endsWith(ext)
        ? [relative(root, join(root, dir, e.name))]
        : [],
  );
}

describe('docs/architecture.md', () => {
  it('names every file under collector/src/', () => {
    const unnamed = files('collector/src', '.ts').filter((f) => !doc.includes(f.split('/').at(-1) ?? f));
    expect(unnamed).toEqual([]);
  });

  it('names every benchmark and every CLI command', () => {
    const benches = files('bench', '.bench.ts').map((f) =>
      (f.split('/').at(-1) ?? '').replace('.bench.ts', ''),
    );
    expect(benches.filter((b) => !doc.includes(`\`${b}\``))).toEqual([]);
    const commands = files('cli', '.ts')
      .map((f) => (f.split('/').at(-1) ?? '').replace('.ts', ''))
      .filter((c) => !['main', 'about', 'signals', 'alerter-api', 'lab-dir'].includes(c)); // helpers, not commands
    expect(commands.filter((c) => !doc.includes(`\`${c}\``))).toEqual([]);
  });
});
