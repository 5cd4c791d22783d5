import { z } from 'zod';
import { compileRegex } from '../../../model/src/regex.ts';

/**
 * One label matcher, Alertmanager-style: `name="v"`, `name!="v"`, `name=~"re"`, `name!~"re"` (anchored, RE2
 * syntax and linear-time matching, as Alertmanager's Go regexp: a pattern like `(a+)+$` costs microseconds).
 */
export interface Matcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** What a matcher sees: an alert's labels, and its audiences under the pseudo-label `audience`. */
export interface Matchable {
  labels: Readonly<Record<string, string>>;
  audience?: readonly string[];
}

const form = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|([^"\s]*))\s*$/;

/** Parses `name op value` (the value quoted or bare); throws a message saying what is wrong. */
export function parseMatcher(text: string): Matcher {
  const m = form.exec(text);
  if (m === null)
    throw new Error(
      `'${text}' is not a matcher: expected name="value", name!="value", name=~"re" or name!~"re"`,
    );
  const value = m[3] === undefined ? (m[4] ?? '') : m[3].replace(/\\(.)/g, '$1');
  const op = m[2] as Matcher['op'];
  if (op === '=~' || op === '!~') {
    try {
      compileRegex(value);
    } catch (err) {
      throw new Error(`'${text}': ${(err as Error).message}`);
    }
  }
  return { name: m[1] ?? '', op, value };
}

/** A matcher in a config file or an API body: a string that must parse. */
export const matcherSchema = z.string().transform((text, ctx) => {
  try {
    return parseMatcher(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

function test(m: Matcher, value: string): boolean {
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return compileRegex(m.value).whole(value);
    case '!~':
      return !compileRegex(m.value).whole(value);
  }
}

/** Whether one matcher holds: a missing label is the empty string; `audience` holds if any audience does. */
export function matches(m: Matcher, alert: Matchable): boolean {
  if (m.name === 'audience' && alert.audience !== undefined && alert.labels.audience === undefined) {
    const positive = m.op === '=' || m.op === '=~';
    const hit = alert.audience.some((a) =>
      test({ ...m, op: positive ? m.op : m.op === '!=' ? '=' : '=~' }, a),
    );
    return positive ? hit : !hit;
  }
  return test(m, alert.labels[m.name] ?? '');
}

/** Whether every matcher holds. */
export function matchesAll(ms: readonly Matcher[], alert: Matchable): boolean {
  return ms.every((m) => matches(m, alert));
}
