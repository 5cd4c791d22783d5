import { RE2JS } from 're2js';

/** A compiled regular expression with RE2's semantics: matching time linear in the input, no backtracking. */
export interface Regex {
  /** Whether the whole value matches (Alertmanager's anchored matchers). */
  whole(value: string): boolean;
  /** Whether some part of the value matches (InfluxQL's `=~`). */
  within(value: string): boolean;
}

const compiled = new Map<string, Regex>();

/**
 * Compiles `source` with RE2's syntax (as Alertmanager and InfluxDB read it: no backreferences, no lookaround);
 * throws an Error saying what is wrong. Compiled expressions are kept (up to 10,000).
 */
export function compileRegex(source: string): Regex {
  let r = compiled.get(source);
  if (r !== undefined) return r;
  let re: RE2JS;
  try {
    re = RE2JS.compile(source);
  } catch (err) {
    throw new Error(`not a regular expression (RE2 syntax): ${(err as Error).message}`, { cause: err });
  }
  r = { whole: (v) => re.testExact(v), within: (v) => re.test(v) };
  if (compiled.size < 10_000) compiled.set(source, r);
  return r;
}
