import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAlerterSetup } from '../../alerter/src/config.ts';
import { loadCollectorConfig } from '../../collector/src/config.ts';
import { seededRandom } from '../../lab/src/random.ts';
import type { ConfigError } from '../../model/src/config-file.ts';
import { loadTenantsFile } from '../../model/src/tenants.ts';
import { loadRules } from '../../rules/src/load.ts';

// The shipped config files (the compose deployment's, the rule pack's), mutated at random: every loader answers
// with its value or with errors placed in the file, never with an exception, a hang or memory run away.
const root = mkdtempSync(join(tmpdir(), 'lookout-config-fuzz-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
// The deployment's layout, as its relative paths expect it: config/ beside the rule pack, the tenants catalog
// beside the configs.
const dir = join(root, 'config');
mkdirSync(dir);
symlinkSync(new URL('../../rules', import.meta.url).pathname, join(root, 'rules'));
copyFileSync(new URL('../config/tenants.yaml', import.meta.url).pathname, join(dir, 'tenants.yaml'));

const here = (path: string): string => new URL(`../../${path}`, import.meta.url).pathname;
const env = { INFLUXDB_USER_PASSWORD: 'x', INFLUXDB_ADMIN_PASSWORD: 'x', LOOKOUT_OPERATOR_TOKEN: 'x' };

/** The loaders of each shipped file, as errors or none (an exception fails the test). */
const shipped: { file: string; load: (path: string) => ConfigError[] }[] = [
  { file: 'compose/config/collector.yaml', load: (p) => errorsOf(loadCollectorConfig(p, env)) },
  { file: 'compose/config/alerter.yaml', load: (p) => errorsOf(loadAlerterSetup(p, env)) },
  { file: 'compose/config/tenants.yaml', load: (p) => errorsOf(loadTenantsFile(p)) },
  { file: 'rules/kafka/consumers.yaml', load: (p) => loadRules([p]).errors },
  { file: 'collector/examples/collector.yaml', load: (p) => errorsOf(loadCollectorConfig(p, env)) },
];

function errorsOf(result: { ok: true } | { ok: false; errors: ConfigError[] }): ConfigError[] {
  return result.ok ? [] : result.errors;
}

/** One random edit of `text`: a byte changed, a span cut or doubled, a line's indentation moved, YAML's specials. */
function mutate(text: string, rand: () => number): string {
  const at = Math.floor(rand() * text.length);
  const span = Math.floor(rand() * 40);
  const specials = [
    '&a',
    '*a',
    '<<: *a',
    '{',
    ']',
    ': ',
    '- ',
    '!!binary',
    '"',
    "'",
    '\t',
    '#',
    '|',
    '>',
    '\u0000',
    '\u202e',
    'é',
  ];
  switch (Math.floor(rand() * 5)) {
    case 0:
      return text.slice(0, at) + String.fromCharCode(Math.floor(rand() * 128)) + text.slice(at + 1);
    case 1:
      return text.slice(0, at) + text.slice(at + span);
    case 2:
      return text.slice(0, at) + text.slice(at, at + span).repeat(3) + text.slice(at);
    case 3: {
      const lines = text.split('\n');
      const i = Math.floor(rand() * lines.length);
      lines[i] = rand() < 0.5 ? `  ${lines[i]}` : (lines[i] ?? '').replace(/^ {1,2}/, '');
      return lines.join('\n');
    }
    default:
      return text.slice(0, at) + (specials[Math.floor(rand() * specials.length)] ?? '') + text.slice(at);
  }
}

describe('shipped config files, mutated at random', () => {
  for (const { file, load } of shipped) {
    it(`${file}: every mutation loads or is refused with errors placed in the file`, () => {
      const original = readFileSync(here(file), 'utf8');
      const rand = seededRandom(original.length);
      const path = join(dir, file.replaceAll('/', '_'));
      let refused = 0;
      for (let round = 0; round < 300; round++) {
        let text = original;
        for (let k = 1 + Math.floor(rand() * 3); k > 0; k--) text = mutate(text, rand);
        writeFileSync(path, text);
        const started = Date.now();
        const errors = load(path);
        expect(Date.now() - started, text).toBeLessThan(2_000);
        const lines = text.split('\n').length;
        for (const e of errors) {
          expect(e.file, text).toBe(path);
          expect(e.line, `${e.message}\n${text}`).toBeGreaterThanOrEqual(1);
          expect(e.line, `${e.message}\n${text}`).toBeLessThanOrEqual(lines + 1);
          expect(e.message.length).toBeGreaterThan(0);
        }
        if (errors.length > 0) refused += 1;
      }
      // Most random edits break something; the loaders must have said so.
      expect(refused).toBeGreaterThan(100);
    });
  }
});
