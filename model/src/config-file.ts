import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';

/** One problem in a config file, where it is. */
export interface ConfigError {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** A parsed, checked config, or every error found in it. */
export type ConfigResult<T> =
  | { ok: true; value: T; locate?: (path: readonly PropertyKey[]) => { line: number; column: number } }
  | { ok: false; errors: ConfigError[] };

/** Formats errors as `file:line:column: message`, one per line, the way editors and CI read them. */
export function formatConfigErrors(errors: readonly ConfigError[]): string {
  return errors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.message}`).join('\n');
}

/** Extra checks after the schema (cross-references, secrets), each naming the path it is about. */
export type ConfigCheck<T> = (value: T) => { path: (string | number)[]; message: string }[];

/**
 * Parses YAML `text` (from `file`) and checks it against `schema`, then `checks`. Reports every error,
 * each with the line and column of the value it is about (or of its nearest existing parent), never
 * just the first one. The result is deeply frozen.
 */
export function parseConfigText<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
  checks: ConfigCheck<z.output<S>> = () => [],
): ConfigResult<z.output<S>> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): { line: number; column: number } => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => ({
        file,
        ...at(e.pos[0]),
        message: e.message.split('\n')[0] ?? e.message,
      })),
    };
  }
  const locate = (path: readonly PropertyKey[]): { line: number; column: number } => {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as unknown[], true);
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (range !== undefined) return at(range[0]);
    }
    return { line: 1, column: 1 };
  };
  const named = (path: readonly PropertyKey[]): string =>
    path.length === 0 ? '' : `${path.map(String).join('.')}: `;
  const parsed = schema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({
      file,
      ...locate(issue.path),
      message: `${named(issue.path)}${issue.message}`,
    }));
    return { ok: false, errors: errors.sort((a, b) => a.line - b.line || a.column - b.column) };
  }
  const problems = checks(parsed.data);
  if (problems.length > 0) {
    const errors = problems.map((p) => ({
      file,
      ...locate(p.path),
      message: `${named(p.path)}${p.message}`,
    }));
    return { ok: false, errors: errors.sort((a, b) => a.line - b.line || a.column - b.column) };
  }
  return { ok: true, value: deepFreeze(parsed.data), locate };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** A config file's text, or the error that it cannot be read, placed at its first line. */
export function readConfigText(
  file: string,
): { ok: true; text: string } | { ok: false; errors: ConfigError[] } {
  try {
    return { ok: true, text: readFileSync(file, 'utf8') };
  } catch (error) {
    return {
      ok: false,
      errors: [{ file, line: 1, column: 1, message: `cannot read: ${(error as Error).message}` }],
    };
  }
}
