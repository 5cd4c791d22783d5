import { readFileSync, statSync } from 'node:fs';
import { CORE_SCHEMA, load } from 'js-yaml';
import { createRequire } from 'node:module';
import type { Document } from 'yaml';
import type * as Yaml from 'yaml';

/**
 * The `yaml` package (positions of values, for errors and `locate`), loaded on first use: a valid file is read
 * with js-yaml alone, and a CLI check of valid files does not pay for loading it.
 */
let yamlLib: typeof Yaml | undefined;
const yaml = (): typeof Yaml => (yamlLib ??= createRequire(import.meta.url)('yaml') as typeof Yaml);
import type { z } from 'zod';
import { knownKeys, unknownKeyMessage } from './suggest.ts';

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

/**
 * Extra checks after the schema (cross-references, secrets), each naming the path it is about; `atKey`: about the
 * last key of the path itself (its name), placed at the key rather than at its value.
 */
export type ConfigCheck<T> = (value: T) => { path: (string | number)[]; message: string; atKey?: boolean }[];

/** The largest config file read (16 MiB): a catalog of 10,000 tenants is about 1.2 MB. */
export const maxConfigBytes = 16 * 1024 * 1024;

/** Aliases the quick read takes (each a node met again); more, or any cycle, take the located path. */
const quickAliases = 100;

/**
 * The plain value of a YAML text read with js-yaml (its core schema, as YAML 1.2 reads it), or undefined when
 * it cannot be read that way, refers to itself, or has more than 100 aliases (nodes shared through anchors): those
 * take the located path below, which bounds aliases and says where things are. A shared node is not walked
 * again, so an alias bomb costs no more than its text. Several times faster than reading with positions.
 */
function quickly(text: string): unknown {
  let value: unknown;
  try {
    value = load(text, { schema: CORE_SCHEMA });
  } catch {
    return undefined;
  }
  const done = new Set<object>();
  const open = new Set<object>();
  let aliases = 0;
  // Depth first; a node is open while its children are walked (met again then: a cycle).
  const stack: { node: unknown; leave: boolean }[] = [{ node: value, leave: false }];
  while (stack.length > 0) {
    const { node, leave } = stack.pop() as { node: unknown; leave: boolean };
    if (node === null || typeof node !== 'object') continue;
    if (leave) {
      open.delete(node);
      done.add(node);
      continue;
    }
    if (open.has(node)) return undefined;
    if (done.has(node)) {
      aliases += 1;
      if (aliases > quickAliases) return undefined;
      continue;
    }
    open.add(node);
    stack.push({ node, leave: true });
    for (const child of Object.values(node)) stack.push({ node: child, leave: false });
  }
  return value;
}

/** Where the first alias of a document is (the likely cause of an alias count refused). */
function firstAlias(doc: Document): number {
  let at = 0;
  const { visit } = yaml();
  visit(doc, {
    Alias(_, node) {
      at = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return at;
}

/**
 * Parses YAML `text` (from `file`) and checks it against `schema`, then `checks`. Reports every error,
 * each with the line and column of the value it is about (or of its nearest existing parent), never
 * just the first one. The result is deeply frozen. A valid file is read quickly and located only when asked
 * (`locate`); a file too big, too deep or with too many aliases is an error at a line, never a throw.
 */
export function parseConfigText<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
  checks: ConfigCheck<z.output<S>> = () => [],
  /** When the schema fails, the checks of the parts that do parse (every error of a file in one pass). */
  checkParts?: ConfigCheck<unknown>,
): ConfigResult<z.output<S>> {
  const refuse = (line: number, column: number, message: string): ConfigResult<z.output<S>> => ({
    ok: false,
    errors: [{ file, line, column, message }],
  });
  if (text.length > maxConfigBytes)
    return refuse(
      1,
      1,
      `${(text.length / 1048576).toFixed(1)} MiB, over the ${maxConfigBytes / 1048576} MiB a config file may have`,
    );
  try {
    const value = quickly(text);
    if (value !== undefined) {
      const parsed = schema.safeParse(value ?? {});
      if (parsed.success && checks(parsed.data).length === 0) {
        let located: ((path: readonly PropertyKey[]) => { line: number; column: number }) | undefined;
        return {
          ok: true,
          value: deepFreeze(parsed.data),
          locate: (path) => (located ??= locator(text).locate)(path),
        };
      }
    }
    return withPositions(text, file, schema, checks, checkParts);
  } catch (error) {
    // A structure deeper than the stack, or any other failure to read: the file is refused, not the process.
    return refuse(1, 1, `cannot be read: ${(error as Error).message}`);
  }
}

/** The document of a text, with a function from a value's path to its line and column. */
function locator(text: string) {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): { line: number; column: number } => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const locate = (path: readonly PropertyKey[]): { line: number; column: number } => {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as unknown[], true);
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (range !== undefined) return at(range[0]);
    }
    return { line: 1, column: 1 };
  };
  /** Where a key of the mapping at `path` is written (the mapping itself if it is not found). */
  const locateKey = (path: readonly PropertyKey[], key: string): { line: number; column: number } => {
    const node = path.length === 0 ? doc.contents : doc.getIn(path as unknown[], true);
    const { isMap, isScalar } = yaml();
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      const range = isScalar(pair?.key) ? pair.key.range : undefined;
      if (range !== undefined && range !== null) return at(range[0]);
    }
    return locate(path);
  };
  return { doc, at, locate, locateKey };
}

/** The full reading: every YAML, schema and check error with its line and column. */
function withPositions<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
  checks: ConfigCheck<z.output<S>>,
  checkParts: ConfigCheck<unknown> = () => [],
): ConfigResult<z.output<S>> {
  const { doc, at, locate, locateKey } = locator(text);
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
  const named = (path: readonly PropertyKey[]): string =>
    path.length === 0 ? '' : `${path.map(String).join('.')}: `;
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return {
      ok: false,
      errors: [{ file, ...at(firstAlias(doc)), message: `cannot be read: ${(error as Error).message}` }],
    };
  }
  const located = (problems: ReturnType<ConfigCheck<unknown>>): ConfigError[] =>
    problems.map((p) => {
      const key = p.atKey === true ? p.path.at(-1) : undefined;
      return {
        file,
        ...(typeof key === 'string' ? locateKey(p.path.slice(0, -1), key) : locate(p.path)),
        message: `${named(p.path)}${p.message}`,
      };
    });
  const byPlace = (a: ConfigError, b: ConfigError): number => a.line - b.line || a.column - b.column;
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) {
    const errors = parsed.error.issues.flatMap((issue) =>
      explained(issue, [], schema, value).map((e) => ({
        file,
        ...(e.key === undefined ? locate(e.path) : locateKey(e.path, e.key)),
        message: `${named(e.path)}${e.message}`,
      })),
    );
    return { ok: false, errors: [...errors, ...located(checkParts(value))].sort(byPlace) };
  }
  const problems = checks(parsed.data);
  if (problems.length > 0) return { ok: false, errors: located(problems).sort(byPlace) };
  return { ok: true, value: deepFreeze(parsed.data), locate };
}

/** A zod issue as zod reports it, the parts read here. */
type Issue = z.core.$ZodIssue;

/**
 * What an issue means in the file's words, at the value (or the key) it is about: each unknown key with the known
 * one it likely misspells; a value that fits none of a union's forms by the form its keys choose (a receiver's
 * `webhook:` is checked as a webhook), or by its unknown key, instead of zod's bare "Invalid input".
 */
function explained(
  issue: Issue,
  base: readonly PropertyKey[],
  schema: z.ZodType,
  root: unknown,
): { path: PropertyKey[]; key?: string; message: string }[] {
  const path = [...base, ...issue.path];
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((key) => ({ path, key, message: unknownKeyMessage(key, knownKeys(schema, path)) }));
  if (issue.code !== 'invalid_union') return [{ path, message: issue.message }];
  // The forms of the value's own type whose keys it has: where they fail is what is wrong.
  const fitting = issue.errors.filter(
    (form) =>
      !form.some((i) => i.path.length === 0 && (i.code === 'unrecognized_keys' || i.code === 'invalid_type')),
  );
  const [only] = fitting;
  if (fitting.length === 1 && only !== undefined)
    return only.flatMap((i) => explained(i, path, schema, root));
  const value = valueAt(root, path);
  const known = knownKeys(schema, path);
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && known !== undefined) {
    const unknown = Object.keys(value).filter((k) => !known.includes(k));
    if (unknown.length > 0)
      return unknown.map((key) => ({ path, key, message: unknownKeyMessage(key, known) }));
    if (known.length > 0) return [{ path, message: `expected one of: ${known.join(', ')}` }];
  }
  return [{ path, message: issue.message }];
}

/** The part of `root` at `path`, if there is one. */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let at = root;
  for (const step of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<PropertyKey, unknown>)[step];
  }
  return at;
}

/** `value` and everything in it frozen (a config, once read, is never changed). */
export function deepFreeze<T>(value: T): T {
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
    const size = statSync(file).size;
    if (size > maxConfigBytes)
      return {
        ok: false,
        errors: [
          {
            file,
            line: 1,
            column: 1,
            message: `${(size / 1048576).toFixed(1)} MiB, over the ${maxConfigBytes / 1048576} MiB a config file may have`,
          },
        ],
      };
    return { ok: true, text: readFileSync(file, 'utf8') };
  } catch (error) {
    return {
      ok: false,
      errors: [{ file, line: 1, column: 1, message: `cannot read: ${(error as Error).message}` }],
    };
  }
}
