import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { parseConfigText } from '../../model/src/config-file.ts';
import type { ConfigError } from '../../model/src/config-file.ts';
import { durationSchema as duration, formatDuration } from '../../model/src/duration.ts';
import { stepRule } from './alert.ts';
import type { TrackedAlert } from './alert.ts';
import { evaluateRules } from './evaluate.ts';
import type { TenantThresholds } from './evaluate.ts';
import { loadRules } from './load.ts';
import { MemoryPort } from './memory-port.ts';
import type { MemoryPoint } from './memory-port.ts';
import type { Rule } from './schema.ts';
import { expandValues, parseSeriesName } from './series-notation.ts';

const testFileSchema = z
  .object({
    rule_files: z.array(z.string()).min(1),
    evaluation_interval: duration.default(30_000),
    tenants: z.record(z.string(), z.record(z.string(), z.number())).default({}),
    tests: z
      .array(
        z
          .object({
            name: z.string().min(1),
            interval: duration.default(30_000),
            input_series: z
              .array(
                z
                  .object({
                    series: z.string(),
                    values: z.string({
                      error: "quote the values: YAML reads 0x31 or 5 as a number, write '0x31'",
                    }),
                  })
                  .strict(),
              )
              .default([]),
            alert_rule_test: z
              .array(
                z
                  .object({
                    eval_time: duration,
                    alertname: z.string(),
                    exp_alerts: z
                      .array(
                        z
                          .object({
                            exp_labels: z.record(z.string(), z.coerce.string()).default({}),
                            exp_annotations: z.record(z.string(), z.string()).default({}),
                          })
                          .strict(),
                      )
                      .default([]),
                  })
                  .strict(),
              )
              .min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

type TestFile = z.output<typeof testFileSchema>;

/** One failed expectation, where it is written. */
export interface TestFailure {
  file: string;
  line: number;
  test: string;
  message: string;
}

/** What a test file's run found. */
export interface TestReport {
  tests: number;
  failures: TestFailure[];
  errors: ConfigError[];
}

const shown = (labels: Readonly<Record<string, string>>): string =>
  `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ')}}`;

/** The labels a test compares: all but alertname and severity (both implied by the rule). */
function compared(a: TrackedAlert): Record<string, string> {
  return Object.fromEntries(Object.entries(a.labels).filter(([k]) => k !== 'alertname' && k !== 'severity'));
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/** One test of a rule test file as data: its input points (time 0 at the test's start) and the times it checks. */
export interface RuleTestCase {
  name: string;
  points: MemoryPoint[];
  /** The times the test checks alerts at (its eval_times), in order. */
  checkTimes: number[];
  /** The times the rules are evaluated at to get there. */
  evalTimes: number[];
}

/** A rule test file read: its rules, its tenants' thresholds and its tests' data, or its errors (file:line). */
export type RuleTestFile =
  | {
      ok: true;
      rules: Rule[];
      evaluationInterval: number;
      thresholds: TenantThresholds;
      cases: RuleTestCase[];
    }
  | { ok: false; errors: ConfigError[] };

interface ParsedFile {
  spec: TestFile;
  rules: Rule[];
  thresholds: TenantThresholds;
  lineOf: (path: (string | number)[]) => number;
  /** Per test, its points; the errors of series that could not be read. */
  points: MemoryPoint[][];
  errors: ConfigError[];
}

function parseTestFile(file: string): ParsedFile | ConfigError[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return [{ file, line: 1, column: 1, message: (err as Error).message }];
  }
  const parsed = parseConfigText(text, file, testFileSchema);
  if (!parsed.ok) return parsed.errors;
  const spec: TestFile = parsed.value;
  const lineOf = (path: (string | number)[]): number => parsed.locate?.(path).line ?? 1;
  const loaded = loadRules(spec.rule_files.map((f) => resolve(dirname(file), f)));
  if (loaded.errors.length > 0) return loaded.errors;
  const errors: ConfigError[] = [];
  const thresholds: TenantThresholds = (labels, name) => spec.tenants[labels.tenant ?? '']?.[name];
  const points = spec.tests.map((test, ti) =>
    test.input_series.flatMap((input, si): MemoryPoint[] => {
      const name = parseSeriesName(input.series);
      const values = expandValues(input.values);
      const at = (key: string): ConfigError => ({
        file,
        line: lineOf(['tests', ti, 'input_series', si, key]),
        column: 1,
        message: '',
      });
      if (typeof name === 'string') errors.push({ ...at('series'), message: name });
      if (typeof values === 'string') errors.push({ ...at('values'), message: values });
      if (typeof name === 'string' || typeof values === 'string') return [];
      return values.flatMap((v, i) =>
        v === undefined
          ? []
          : [
              {
                measurement: name.measurement,
                tags: name.tags,
                timeMs: i * test.interval,
                fields: { [name.field]: v },
              },
            ],
      );
    }),
  );
  return { spec, rules: loaded.rules, thresholds, lineOf, points, errors };
}

/**
 * A rule test file's data without running it, for tests that replay the same series elsewhere (e.g. through a
 * real InfluxDB): each test's points and the times the rules are evaluated at (every `evaluation_interval` from
 * 0 through the last `eval_time`, and each eval_time).
 */
export function readTestFile(file: string): RuleTestFile {
  const parsed = parseTestFile(file);
  if (Array.isArray(parsed)) return { ok: false, errors: parsed };
  if (parsed.errors.length > 0) return { ok: false, errors: parsed.errors };
  const every = parsed.spec.evaluation_interval;
  return {
    ok: true,
    rules: parsed.rules,
    evaluationInterval: every,
    thresholds: parsed.thresholds,
    cases: parsed.spec.tests.map((test, ti) => ({
      name: test.name,
      points: parsed.points[ti] ?? [],
      checkTimes: [...new Set(test.alert_rule_test.map((c) => c.eval_time))].sort((a, b) => a - b),
      evalTimes: evaluationTimes(
        test.alert_rule_test.map((c) => c.eval_time),
        every,
      ),
    })),
  };
}

/** Every `every` from 0 through the last check, and each check's time, in order. */
function evaluationTimes(checks: readonly number[], every: number): number[] {
  const end = Math.max(...checks);
  const times = new Set<number>(checks);
  for (let t = 0; t <= end; t += every) times.add(t);
  return [...times].sort((a, b) => a - b);
}

/**
 * Runs a promtool-style rule test file with no server: input series into the in-memory port, the rules
 * evaluated every `evaluation_interval` from 0 through the last `eval_time` (and at each eval_time), firing
 * alerts compared with the expected ones (labels exactly, annotations the ones given).
 */
export async function runTestFile(file: string): Promise<TestReport> {
  const parsed = parseTestFile(file);
  if (Array.isArray(parsed)) return { tests: 0, failures: [], errors: parsed };
  const { spec, rules, thresholds, lineOf } = parsed;
  const errors: ConfigError[] = [...parsed.errors];
  const failures: TestFailure[] = [];
  for (const [ti, test] of spec.tests.entries()) {
    const port = new MemoryPort();
    for (const p of parsed.points[ti] ?? []) port.add(p);
    const unknown = test.alert_rule_test.flatMap((c, ci) =>
      rules.some((r) => r.alert === c.alertname)
        ? []
        : [
            {
              file,
              line: lineOf(['tests', ti, 'alert_rule_test', ci, 'alertname']),
              column: 1,
              message: `no rule ${c.alertname}`,
            },
          ],
    );
    errors.push(...unknown);
    if (unknown.length > 0) continue;
    await runOne(file, test, ti, rules, port, spec.evaluation_interval, thresholds, lineOf, failures);
  }
  return { tests: spec.tests.length, failures, errors };
}

async function runOne(
  file: string,
  test: TestFile['tests'][number],
  ti: number,
  rules: readonly Rule[],
  port: MemoryPort,
  every: number,
  thresholds: TenantThresholds,
  lineOf: (path: (string | number)[]) => number,
  failures: TestFailure[],
): Promise<void> {
  const checks = new Map<number, number[]>();
  test.alert_rule_test.forEach((c, ci) => checks.set(c.eval_time, [...(checks.get(c.eval_time) ?? []), ci]));
  const tracked = new Map<string, Map<string, TrackedAlert>>();
  for (const now of evaluationTimes([...checks.keys()], every)) {
    const outcomes = await evaluateRules(rules, port, now, thresholds);
    for (const rule of rules) {
      const outcome = outcomes.get(rule.alert);
      if (outcome === undefined || !outcome.ok) {
        failures.push({
          file,
          line: rule.line,
          test: test.name,
          message: `${rule.alert} failed at ${formatDuration(now)}: ${outcome?.ok === false ? outcome.error : 'not evaluated'}`,
        });
        return;
      }
      const step = stepRule(rule, tracked.get(rule.alert) ?? new Map(), outcome.instances, now);
      tracked.set(rule.alert, step.alerts);
    }
    for (const ci of checks.get(now) ?? []) {
      const check = test.alert_rule_test[ci];
      if (check === undefined) continue;
      const line = lineOf(['tests', ti, 'alert_rule_test', ci]);
      const firing = [...(tracked.get(check.alertname)?.values() ?? [])].filter((a) => a.phase === 'firing');
      const fail = (message: string): void => {
        failures.push({
          file,
          line,
          test: test.name,
          message: `${check.alertname} at ${formatDuration(now)}: ${message}`,
        });
      };
      const unmatched = [...firing];
      for (const exp of check.exp_alerts) {
        const i = unmatched.findIndex((a) => sameLabels(compared(a), exp.exp_labels));
        const got = unmatched[i];
        if (got === undefined) {
          fail(
            `expected ${shown(exp.exp_labels)} firing; firing: ${firing.map((a) => shown(compared(a))).join(' ') || 'none'}`,
          );
          continue;
        }
        unmatched.splice(i, 1);
        for (const [k, v] of Object.entries(exp.exp_annotations))
          if (got.annotations[k] !== v)
            fail(
              `annotation ${k}: expected ${JSON.stringify(v)}, got ${JSON.stringify(got.annotations[k] ?? '')}`,
            );
      }
      for (const extra of unmatched) fail(`unexpected firing ${shown(compared(extra))}`);
    }
  }
}
