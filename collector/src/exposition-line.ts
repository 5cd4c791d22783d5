/**
 * The full, character-by-character reader of one exposition line: every form the text format allows
 * (tabs, escapes, NaN/±Inf, odd spacing) and a precise message for every malformed line. The byte-level
 * fast path in exposition.ts hands it every line it does not take itself.
 */

/** A malformed line; the message says what is wrong. */
export class LineError extends Error {}

/** One sample read from a line; `labels` is the raw text between the braces ('' when none). */
export interface LineSample {
  name: string;
  labels: string;
  value: number;
  timestampMs: number | undefined;
}

/** The characters the format is made of, as char codes (shared with the byte-level fast path). */
export const NL = 10;
export const CR = 13;
export const SPACE = 32;
export const TAB = 9;
export const HASH = 35;
export const LBRACE = 123;
export const RBRACE = 125;
export const QUOTE = 34;
export const BACKSLASH = 92;
export const COMMA = 44;
export const EQUALS = 61;

/** `[a-zA-Z_:]` */
export function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58;
}

/** `[a-zA-Z0-9_:]` */
export function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB || c === 13;
}

function skipBlank(text: string, i: number, end: number): number {
  while (i < end && isBlank(text.charCodeAt(i))) i++;
  return i;
}

const specialValues = new Map<string, number>([
  ['nan', Number.NaN],
  ['inf', Number.POSITIVE_INFINITY],
  ['+inf', Number.POSITIVE_INFINITY],
  ['-inf', Number.NEGATIVE_INFINITY],
]);

/** Parses a float as Prometheus does (decimal, exponent, NaN, ±Inf in any case); undefined if it is none. */
export function parseValue(token: string): number | undefined {
  const n = Number(token);
  if (!Number.isNaN(n) && token.trim() === token && token !== '') return n;
  return specialValues.get(token.toLowerCase());
}

const metricTypes = new Set<string>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/** Reads a `# TYPE name type` line's name and type; undefined for HELP and free comments. Throws on an unknown type. */
export function readComment(line: string): [string, string] | undefined {
  const parts = line
    .trim()
    .slice(1)
    .trim()
    .split(/[ \t]+/);
  if (parts[0] !== 'TYPE' || parts.length < 3) return undefined;
  const type = (parts[2] ?? '').toLowerCase();
  if (!metricTypes.has(type)) throw new LineError(`unknown metric type '${parts[2]}'`);
  return [parts[1] ?? '', type];
}

/** Reads one sample line (leading blanks allowed). Throws a LineError saying what is wrong. */
export function readSampleLine(text: string, maxLabels: number): LineSample {
  const end = text.length;
  const start = skipBlank(text, 0, end);
  let i = start;
  if (!isNameStart(text.charCodeAt(i))) throw new LineError('metric name expected');
  while (i < end && isNameChar(text.charCodeAt(i))) i++;
  const name = text.slice(start, i);
  let labels = '';
  let valueStart = skipBlank(text, i, end);
  if (text.charCodeAt(valueStart) === LBRACE) {
    const close = readLabels(text, valueStart + 1, end, undefined, maxLabels);
    labels = text.slice(valueStart + 1, close);
    valueStart = skipBlank(text, close + 1, end);
  } else if (valueStart === i && i < end) {
    throw new LineError(`unexpected character after '${name}'`);
  }
  let valueEnd = valueStart;
  while (valueEnd < end && !isBlank(text.charCodeAt(valueEnd))) valueEnd++;
  if (valueEnd === valueStart) throw new LineError(`value expected for '${name}'`);
  const value = parseValue(text.slice(valueStart, valueEnd));
  if (value === undefined) throw new LineError(`bad value '${text.slice(valueStart, valueEnd)}'`);
  const tsStart = skipBlank(text, valueEnd, end);
  let timestampMs: number | undefined;
  if (tsStart < end) {
    let tsEnd = tsStart;
    while (tsEnd < end && !isBlank(text.charCodeAt(tsEnd))) tsEnd++;
    timestampMs = Number(text.slice(tsStart, tsEnd));
    if (!Number.isInteger(timestampMs)) throw new LineError(`bad timestamp '${text.slice(tsStart, tsEnd)}'`);
    if (skipBlank(text, tsEnd, end) < end) throw new LineError('unexpected text after the timestamp');
  }
  return { name, labels, value, timestampMs };
}

/**
 * Reads `name="value",…}` from just after `{` and returns the index of the `}`. With `out`, appends
 * each name and unescaped value; without it only validates.
 */
function readLabels(
  text: string,
  from: number,
  end: number,
  out: string[] | undefined,
  maxLabels: number,
): number {
  let i = from;
  let count = 0;
  for (;;) {
    i = skipBlank(text, i, end);
    if (i >= end) throw new LineError('unterminated label set');
    if (text.charCodeAt(i) === RBRACE) return i;
    const nameStart = i;
    if (!isNameStart(text.charCodeAt(i))) throw new LineError('label name expected');
    while (i < end && isNameChar(text.charCodeAt(i))) i++;
    const label = text.slice(nameStart, i);
    i = skipBlank(text, i, end);
    if (text.charCodeAt(i) !== EQUALS) throw new LineError(`'=' expected after label '${label}'`);
    i = skipBlank(text, i + 1, end);
    if (text.charCodeAt(i) !== QUOTE) throw new LineError(`'"' expected for label '${label}'`);
    i += 1;
    const valueStart = i;
    let escaped = false;
    for (;;) {
      if (i >= end) throw new LineError(`unterminated value of label '${label}'`);
      const c = text.charCodeAt(i);
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        escaped = true;
        i += 2;
      } else i += 1;
    }
    if (++count > maxLabels) throw new LineError(`more than ${maxLabels} labels`);
    if (out !== undefined) {
      const raw = text.slice(valueStart, i);
      out.push(label, escaped ? raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c)) : raw);
    }
    i = skipBlank(text, i + 1, end);
    const c = text.charCodeAt(i);
    if (c === COMMA) i += 1;
    else if (c !== RBRACE) throw new LineError(`',' or '}' expected after label '${label}'`);
  }
}

/** Decodes a validated label set's text into [name, value, name, value, …]. */
export function labelPairs(labels: string): string[] {
  const out: string[] = [];
  if (labels !== '') readLabels(`${labels}}`, 0, labels.length + 1, out, Number.MAX_SAFE_INTEGER);
  return out;
}
