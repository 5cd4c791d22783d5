import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalog } from '../src/catalog.ts';
import { jmxMetrics } from '../src/jmx.ts';
import { renderSchemaDoc } from '../src/schema-doc.ts';

describe('docs/schema.md', () => {
  it('is current with the catalog (regenerate: npx lookout schema > docs/schema.md)', () => {
    expect(readFileSync(new URL('../../docs/schema.md', import.meta.url), 'utf8')).toBe(renderSchemaDoc());
  });

  it('documents every field of every measurement', () => {
    const doc = renderSchemaDoc();
    for (const [name, spec] of Object.entries(catalog)) {
      expect(doc).toContain(`## \`${name}\``);
      for (const field of Object.keys(spec.fields)) expect(doc).toContain(`| \`${field}\` |`);
    }
  });
});

describe('the JMX table', () => {
  it('names only catalog fields, each at most once per measurement', () => {
    const seen = new Set<string>();
    for (const m of jmxMetrics) {
      expect(Object.keys(catalog[m.measurement].fields)).toContain(m.field);
      const key = `${m.measurement}.${m.field}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
  });
});
