import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatConfigErrors, maxConfigBytes, parseConfigText, readConfigText } from '../src/config-file.ts';

const schema = z.object({ name: z.string(), items: z.array(z.number()).default([]) }).strict();
const errorsOf = (text: string): string => {
  const r = parseConfigText(text, 'c.yaml', schema);
  return r.ok ? 'ok' : formatConfigErrors(r.errors);
};

describe('config files', () => {
  it('reads a valid file and locates its values on demand', () => {
    const r = parseConfigText('name: a\nitems:\n  - 1\n  - 2\n', 'c.yaml', schema);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value).toEqual({ name: 'a', items: [1, 2] });
      expect(Object.isFrozen(r.value.items)).toBe(true);
      expect(r.locate?.(['items', 1])).toEqual({ line: 4, column: 5 });
    }
  });

  it('reads anchors and aliases as YAML does, within bounds', () => {
    expect(errorsOf('base: &n 3\nname: x\nitems: [*n, *n]\n')).toBe(
      'c.yaml:1:1: unknown key "base"; allowed here: items, name',
    );
    const r = parseConfigText('name: &n x\nitems: [1]\n', 'c.yaml', schema);
    expect(r.ok).toBe(true);
    // A shared list (the rule pack shares one context block): read, each use equal to the anchor's.
    const shared = z.object({ a: z.array(z.number()), b: z.array(z.number()) }).strict();
    const s = parseConfigText('a: &l [1, 2]\nb: *l\n', 'c.yaml', shared);
    expect(s.ok && s.value).toEqual({ a: [1, 2], b: [1, 2] });
    // A node that contains itself is refused at a line, not walked forever.
    expect(errorsOf('name: x\nitems: &i [1, *i]\n')).toMatch(/^c\.yaml:\d+:\d+: /);
  });

  it('says which known key an unknown one likely misspells, at the unknown key itself', () => {
    const nested = z
      .object({
        name: z.string(),
        tenants: z
          .array(
            z
              .object({
                name: z.string(),
                thresholds: z.object({ lag_seconds: z.number() }).partial().strict(),
              })
              .strict(),
          )
          .default([]),
      })
      .strict();
    const r = parseConfigText(
      'nmae: x\nname: y\ntenants:\n  - name: a\n    thresholds: { lag_second: 60 }\n    colour: red\n',
      'c.yaml',
      nested,
    );
    expect(r.ok ? 'ok' : formatConfigErrors(r.errors)).toBe(
      [
        'c.yaml:1:1: unknown key "nmae" (did you mean "name"?)',
        'c.yaml:5:19: tenants.0.thresholds: unknown key "lag_second" (did you mean "lag_seconds"?)',
        'c.yaml:6:5: tenants.0: unknown key "colour"; allowed here: name, thresholds',
      ].join('\n'),
    );
  });

  it('tells what is wrong with a value that fits none of the forms it may take, by the form its key names', () => {
    const receivers = z
      .object({
        receivers: z.record(
          z.string(),
          z.union([
            z.object({ webhook: z.object({ url: z.url() }).strict() }).strict(),
            z.object({ email: z.object({ to: z.array(z.email()) }).strict() }).strict(),
          ]),
        ),
      })
      .strict();
    const check = (text: string): string => {
      const r = parseConfigText(text, 'c.yaml', receivers);
      return r.ok ? 'ok' : formatConfigErrors(r.errors);
    };
    expect(check('receivers:\n  oncall:\n    webhok: { url: http://x }\n')).toBe(
      'c.yaml:3:5: receivers.oncall: unknown key "webhok" (did you mean "webhook"?)',
    );
    expect(check('receivers:\n  oncall:\n    webhook: { url: not a url }\n')).toBe(
      'c.yaml:3:21: receivers.oncall.webhook.url: Invalid URL',
    );
    expect(check('receivers:\n  oncall: {}\n')).toBe(
      'c.yaml:2:11: receivers.oncall: expected one of: email, webhook',
    );
    // A form of another type (a number where an object is written) is no candidate: the object's own form is.
    const threshold = z
      .object({
        threshold: z.union([z.number(), z.object({ tenant: z.string(), default: z.number() }).strict()]),
      })
      .strict();
    const t = parseConfigText('threshold: { tenant: lag_seconds }\n', 'c.yaml', threshold);
    expect(t.ok ? 'ok' : formatConfigErrors(t.errors)).toBe(
      'c.yaml:1:12: threshold.default: Invalid input: expected number, received undefined',
    );
  });

  it('places every error, and refuses hostile files at a line without throwing', () => {
    expect(errorsOf('name: a\nname: b\n')).toMatch(/^c\.yaml:2:1: Map keys must be unique/);
    expect(errorsOf('name: 1\n')).toBe('c.yaml:1:7: name: Invalid input: expected string, received number');
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'name: x',
      'items: [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
    ].join('\n');
    expect(errorsOf(bomb)).toMatch(/^c\.yaml:2:8: cannot be read: Excessive alias count/);
    expect(errorsOf(`name: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`)).toMatch(/^c\.yaml:1:\d+: /);
    expect(errorsOf(`name: x\n#${' '.repeat(maxConfigBytes)}\n`)).toMatch(
      /^c\.yaml:1:1: 16\.0 MiB, over the 16 MiB a config file may have$/,
    );
  });

  it('refuses a file over the size limit before reading it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lookout-config-'));
    try {
      const file = join(dir, 'big.yaml');
      writeFileSync(file, Buffer.alloc(maxConfigBytes + 1, 0x20));
      const r = readConfigText(file);
      expect(r.ok).toBe(false);
      if (!r.ok)
        expect(formatConfigErrors(r.errors)).toBe(
          `${file}:1:1: 16.0 MiB, over the 16 MiB a config file may have`,
        );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
