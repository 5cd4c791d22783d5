import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigText } from '../../model/src/config-file.ts';
import type { ConfigError } from '../../model/src/config-file.ts';
import { catalogMetric, labelsOf, maxBuckets, stepOf } from './query.ts';
import { asCondition, ruleFileSchema, ruleSchema } from './schema.ts';
import { unknownPlaceholders } from './template.ts';
import type { Condition, Rule } from './schema.ts';

type Problem = { path: (string | number)[]; message: string };

function checkCondition(
  c: Condition,
  path: (string | number)[],
  instanceBy: readonly string[] | undefined,
): Problem[] {
  const out: Problem[] = [];
  const m = catalogMetric(c.metric);
  if (m === undefined)
    return [{ path: [...path, 'metric'], message: `${c.metric} is not in the metric catalog` }];
  const numeric = (f: string): boolean =>
    m.spec.fields[f]?.type !== 'string' && m.spec.fields[f]?.type !== 'boolean';
  if (!numeric(m.field) && c.reduce !== 'count')
    out.push({
      path: [...path, 'metric'],
      message: `${c.metric} is not numeric: only reduce: count applies`,
    });
  if (c.ratio_to !== undefined && (m.spec.fields[c.ratio_to] === undefined || !numeric(c.ratio_to)))
    out.push({ path: [...path, 'ratio_to'], message: `${m.measurement} has no numeric field ${c.ratio_to}` });
  for (const tag of Object.keys(c.where))
    if (!m.spec.tags.includes(tag))
      out.push({ path: [...path, 'where', tag], message: `${m.measurement} has no tag ${tag}` });
  for (const [i, tag] of (c.by ?? []).entries())
    if (!m.spec.tags.includes(tag))
      out.push({ path: [...path, 'by', i], message: `${m.measurement} has no tag ${tag}` });
  const by = labelsOf(c, instanceBy);
  if (instanceBy !== undefined) {
    for (const tag of by)
      if (!instanceBy.includes(tag))
        out.push({
          path: [...path, 'by'],
          message: `joins on ${tag}, which the rule's instances (by: ${instanceBy.join(', ')}) do not carry`,
        });
  }
  if (c.reduce === 'predict_linear' && c.horizon === undefined)
    out.push({ path: [...path, 'horizon'], message: 'predict_linear needs a horizon' });
  if (c.reduce !== 'predict_linear' && c.horizon !== undefined)
    out.push({ path: [...path, 'horizon'], message: 'horizon applies to predict_linear only' });
  const step = stepOf(c);
  if (step !== undefined && c.window / step > maxBuckets)
    out.push({ path: [...path, 'step'], message: `window/step is over ${maxBuckets} buckets` });
  if (typeof c.threshold === 'object' && 'median_over' in c.threshold)
    for (const tag of c.threshold.median_over)
      if (!by.includes(tag))
        out.push({
          path: [...path, 'threshold', 'median_over'],
          message: `${tag} is not one of the condition's labels`,
        });
  return out;
}

/**
 * Every problem of one rule file's rules: catalog references, joins, reductions, placeholders. `at` gives each
 * rule's index in the file (when some rules did not parse, only the others are checked).
 */
function checkRules(
  rules: readonly Omit<Rule, 'file' | 'line'>[],
  at: (i: number) => number = (i) => i,
): Problem[] {
  const out: Problem[] = [];
  const names = new Set<string>();
  rules.forEach((r, n) => {
    const i = at(n);
    const path = ['rules', i];
    if (names.has(r.alert)) out.push({ path: [...path, 'alert'], message: `${r.alert} is defined twice` });
    names.add(r.alert);
    out.push(...checkCondition(r, path, undefined));
    const instanceBy = catalogMetric(r.metric) === undefined ? undefined : labelsOf(r);
    r.and.forEach((c, j) => out.push(...checkCondition(c, [...path, 'and', j], instanceBy)));
    r.unless.forEach((c, j) => out.push(...checkCondition(c, [...path, 'unless', j], instanceBy)));
    r.resolve_when.forEach((c, j) =>
      out.push(...checkCondition(c, [...path, 'resolve_when', j], instanceBy)),
    );
    r.context.forEach((c, j) =>
      out.push(...checkCondition(asCondition(c), [...path, 'context', j], instanceBy)),
    );
    if (instanceBy !== undefined)
      for (const [key, text] of Object.entries(r.annotations))
        for (const name of unknownPlaceholders(text ?? '', r, instanceBy))
          out.push({ path: [...path, 'annotations', key], message: `unknown placeholder {{${name}}}` });
    if (r.evidence !== undefined) {
      const m = catalogMetric(r.evidence.metric);
      if (m === undefined)
        out.push({
          path: [...path, 'evidence', 'metric'],
          message: `${r.evidence.metric} is not in the metric catalog`,
        });
      else
        for (const tag of [...r.evidence.by, ...Object.keys(r.evidence.where)])
          if (!m.spec.tags.includes(tag))
            out.push({ path: [...path, 'evidence'], message: `${m.measurement} has no tag ${tag}` });
    }
  });
  return out;
}

/** Rules parsed from files, or every error found, each with file:line:column. */
export interface LoadedRules {
  rules: Rule[];
  errors: ConfigError[];
}

/** The checks of the rules that parse, in a file whose other rules do not (every error in one pass). */
function checkParsingRules(raw: unknown): Problem[] {
  const list = (raw as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(list)) return [];
  const parsed = list.flatMap((r, i) => {
    const one = ruleSchema.safeParse(r);
    return one.success ? [{ rule: one.data, i }] : [];
  });
  return checkRules(
    parsed.map((p) => p.rule),
    (n) => parsed[n]?.i ?? n,
  );
}

/** Each alert name's line in a rule file, for the names that appear once as `alert: NAME` on a line of their own. */
function alertLines(text: string): Map<string, number> {
  const found = new Map<string, number>();
  const twice = new Set<string>();
  text.split('\n').forEach((l, i) => {
    const m = /^\s*(?:-\s+)?alert:\s*['"]?([A-Za-z0-9]+)['"]?\s*(?:#.*)?$/.exec(l);
    if (m?.[1] === undefined) return;
    if (found.has(m[1])) twice.add(m[1]);
    found.set(m[1], i + 1);
  });
  for (const name of twice) found.delete(name);
  return found;
}

/** Parses one rule file's text: schema, catalog and placeholder errors all at once. */
export function parseRuleFile(text: string, file: string): LoadedRules {
  const result = parseConfigText(
    text,
    file,
    ruleFileSchema,
    (value) => checkRules(value.rules),
    checkParsingRules,
  );
  if (!result.ok) return { rules: [], errors: result.errors };
  const lines = alertLines(text);
  const rules = result.value.rules.map((r, i) => ({
    ...r,
    file,
    // The line of its `alert:` (found by a scan; a file written otherwise is located by its YAML parse).
    line: lines.get(r.alert) ?? result.locate?.(['rules', i]).line ?? 1,
  }));
  return { rules, errors: [] };
}

/** The rule files under a path (a file, or a folder walked for `*.yaml` that are not `*.test.yaml`), sorted. */
export function ruleFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/.test(f) && !/\.test\.ya?ml$/.test(f))
    .map((f) => join(path, f))
    .sort();
}

/** Loads rules from files and folders; alert names must be unique across all of them. */
export function loadRules(paths: readonly string[]): LoadedRules {
  const rules: Rule[] = [];
  const errors: ConfigError[] = [];
  const seen = new Map<string, Rule>();
  for (const path of paths) {
    let files: string[];
    try {
      files = ruleFiles(path);
    } catch (err) {
      errors.push({ file: path, line: 1, column: 1, message: `cannot read: ${(err as Error).message}` });
      continue;
    }
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        errors.push({ file, line: 1, column: 1, message: `cannot read: ${(err as Error).message}` });
        continue;
      }
      const loaded = parseRuleFile(text, file);
      errors.push(...loaded.errors);
      for (const r of loaded.rules) {
        const earlier = seen.get(r.alert);
        if (earlier !== undefined)
          errors.push({
            file,
            line: r.line,
            column: 1,
            message: `${r.alert} is already defined at ${earlier.file}:${earlier.line}`,
          });
        else {
          seen.set(r.alert, r);
          rules.push(r);
        }
      }
    }
  }
  return { rules, errors };
}
