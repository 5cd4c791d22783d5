import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadRules } from '../src/load.ts';
import { runTestFile } from '../src/test-runner.ts';

const pack = join(import.meta.dirname, '..', 'kafka');
const testFiles = readdirSync(pack)
  .filter((f) => f.endsWith('.test.yaml'))
  .map((f) => join(pack, f));

describe('the default rule pack', () => {
  it('loads with no error', () => {
    const loaded = loadRules([pack]);
    expect(loaded.errors).toEqual([]);
    expect(loaded.rules.length).toBeGreaterThan(20);
  });

  it.each(testFiles)('%s passes', async (file) => {
    const report = await runTestFile(file);
    expect(report.errors).toEqual([]);
    expect(report.failures).toEqual([]);
    expect(report.tests).toBeGreaterThan(0);
  });

  it('has a test in which every rule fires, and every rule has a reason and a runbook', () => {
    const firing = new Set<string>();
    for (const file of testFiles) {
      const spec = parse(readFileSync(file, 'utf8')) as {
        tests: { alert_rule_test: { alertname: string; exp_alerts?: unknown[] }[] }[];
      };
      for (const t of spec.tests)
        for (const c of t.alert_rule_test) if ((c.exp_alerts ?? []).length > 0) firing.add(c.alertname);
    }
    const { rules } = loadRules([pack]);
    expect(rules.map((r) => r.alert).filter((a) => !firing.has(a))).toEqual([]);
    const headings = new Set(
      [...readFileSync(join(pack, '..', '..', 'docs', 'runbooks.md'), 'utf8').matchAll(/^### (\w+)$/gm)].map(
        (m) => (m[1] ?? '').toLowerCase(),
      ),
    );
    for (const r of rules) {
      expect(r.annotations.description.length, r.alert).toBeGreaterThan(60);
      expect(r.annotations.runbook, r.alert).toMatch(/^docs\/runbooks\.md#[a-z]+$/);
      expect(headings, r.alert).toContain(r.annotations.runbook.split('#')[1]);
    }
  });
});
