/**
 * A single-pass parser of the Prometheus text exposition format 0.0.4 (what the JMX exporter serves).
 * Pure: no I/O. Samples are handed to a visitor as they are read, so the caller decides what to keep
 * (the scrape keeps only catalog metrics) and nothing is allocated for the rest but the name.
 */

/** The metric types a `# TYPE` line can declare. */
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

/** Bounds that keep a broken or hostile target from exhausting memory or time. */
export interface ExpositionLimits {
  /** Longest line accepted; a longer line is an error and is skipped. */
  maxLineBytes: number;
  /** Most labels on one sample. */
  maxLabels: number;
  /** Errors kept verbatim; the rest are only counted. */
  maxErrorsKept: number;
}

/** Defaults sized for brokers with tens of thousands of partitions. */
export const defaultExpositionLimits: ExpositionLimits = {
  maxLineBytes: 64 * 1024,
  maxLabels: 64,
  maxErrorsKept: 20,
};

/** One malformed line: 1-based line number and what was wrong. */
export interface ExpositionError {
  line: number;
  message: string;
}

/**
 * Receives each sample: its name, its label set as the raw, already validated text between the braces
 * ('' when it has none; decode it with `labelPairs` only for the samples you keep), its value (NaN and
 * ±Inf included) and its timestamp in ms if the line had one.
 */
export type SampleVisitor = (
  name: string,
  labels: string,
  value: number,
  timestampMs: number | undefined,
) => void;

/** What one parse saw besides the samples. */
export interface ExpositionSummary {
  samples: number;
  /** Malformed lines in all, including those not kept in `errors`. */
  errorCount: number;
  errors: ExpositionError[];
  /** Declared types by metric family name. */
  types: Map<string, MetricType>;
}

const SPACE = 32;
const TAB = 9;
const HASH = 35;
const LBRACE = 123;
const RBRACE = 125;
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const EQUALS = 61;

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}

const types = new Set<string>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

const specialValues = new Map<string, number>([
  ['nan', Number.NaN],
  ['inf', Number.POSITIVE_INFINITY],
  ['+inf', Number.POSITIVE_INFINITY],
  ['-inf', Number.NEGATIVE_INFINITY],
]);

/** Parses a float as Prometheus does (decimal, exponent, NaN, ±Inf in any case); undefined if it is none. */
function parseValue(token: string): number | undefined {
  const n = Number(token);
  if (!Number.isNaN(n)) return n;
  return specialValues.get(token.toLowerCase());
}

const exactPowers = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Reads a plain decimal (`-12.5`, `2.68435456E8`) straight from the text. Exact: with at most 15
 * significant digits and |exponent| ≤ 22, one multiplication or division by an exact power of ten
 * rounds correctly (Clinger's fast path). Undefined for anything else, which then goes to `Number`.
 */
function fastNumber(text: string, from: number, to: number, f: FastState): number | undefined {
  let i = from;
  let negative = false;
  const first = text.charCodeAt(i);
  if (first === 45 || first === 43) {
    negative = first === 45;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  let seenDot = false;
  let anyDigit = false;
  for (; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      anyDigit = true;
      if (digits > 0 || c !== 48) digits++;
      mantissa = mantissa * 10 + (c - 48);
      if (seenDot) scale--;
    } else if (c === 46 && !seenDot) seenDot = true;
    else break;
  }
  if (!anyDigit || digits > 15) return undefined;
  if (i < to && text.charCodeAt(i) !== SPACE) {
    const e = text.charCodeAt(i);
    if (e !== 101 && e !== 69) return undefined;
    i++;
    let expNegative = false;
    const sign = text.charCodeAt(i);
    if (sign === 45 || sign === 43) {
      expNegative = sign === 45;
      i++;
    }
    let exponent = 0;
    const digitsFrom = i;
    for (; i < to; i++) {
      const c = text.charCodeAt(i);
      if (c === SPACE) break;
      if (c < 48 || c > 57 || exponent > 1000) return undefined;
      exponent = exponent * 10 + (c - 48);
    }
    if (i === digitsFrom) return undefined;
    scale += expNegative ? -exponent : exponent;
  }
  f.numberEnd = i;
  if (scale < -22 || scale > 22) return undefined;
  const magnitude = scale >= 0 ? mantissa * (exactPowers[scale] ?? 1) : mantissa / (exactPowers[-scale] ?? 1);
  return negative ? -magnitude : magnitude;
}

class LineError extends Error {}

/**
 * Parses `text`, calling `visit` for every well-formed sample. A malformed line is recorded and
 * skipped; it never stops the parse or throws.
 */
export function parseExposition(
  text: string,
  visit: SampleVisitor,
  limits: ExpositionLimits = defaultExpositionLimits,
): ExpositionSummary {
  const summary: ExpositionSummary = { samples: 0, errorCount: 0, errors: [], types: new Map() };
  const length = text.length;
  const fast: FastState = { escapes: new EscapeFinder(text), lastName: '', numberEnd: 0 };
  let pos = 0;
  let lineNo = 0;
  while (pos < length) {
    lineNo += 1;
    let end = text.indexOf('\n', pos);
    if (end === -1) end = length;
    const start = pos;
    pos = end + 1;
    if (end - start > limits.maxLineBytes) {
      record(summary, limits, lineNo, `line longer than ${limits.maxLineBytes} bytes`);
      continue;
    }
    let i = start;
    while (i < end && (text.charCodeAt(i) === SPACE || text.charCodeAt(i) === TAB)) i++;
    if (i === end || text.charCodeAt(i) === 13) continue;
    try {
      if (text.charCodeAt(i) === HASH) readComment(text, i + 1, end, summary);
      else if (!fastSample(text, i, end, visit, limits, summary, fast))
        readSample(text, i, end, visit, limits, summary);
    } catch (error) {
      record(summary, limits, lineNo, (error as Error).message);
    }
  }
  return summary;
}

function record(summary: ExpositionSummary, limits: ExpositionLimits, line: number, message: string): void {
  summary.errorCount += 1;
  if (summary.errors.length < limits.maxErrorsKept) summary.errors.push({ line, message });
}

function readComment(text: string, from: number, end: number, summary: ExpositionSummary): void {
  const parts = text
    .slice(from, end)
    .trim()
    .split(/[ \t]+/);
  if (parts[0] !== 'TYPE' || parts.length < 3) return; // HELP and free comments carry nothing we keep
  const type = (parts[2] ?? '').toLowerCase();
  if (!types.has(type)) throw new LineError(`unknown metric type '${parts[2]}'`);
  summary.types.set(parts[1] ?? '', type as MetricType);
}

/**
 * The next position of `\\` at or after `from`, remembered: positions only move forward in a parse, so an
 * exposition without escapes costs one scan of the text for this, not one per line.
 */
class EscapeFinder {
  private at = -1;
  constructor(private readonly text: string) {}
  next(from: number): number {
    if (this.at < from) {
      this.at = this.text.indexOf('\\', from);
      if (this.at === -1) this.at = Number.MAX_SAFE_INTEGER;
    }
    return this.at;
  }
}

/** Per-parse state of the fast path. */
interface FastState {
  escapes: EscapeFinder;
  lastName: string;
  /** Where the last `fastNumber` stopped. */
  numberEnd: number;
}

/**
 * The common case, read with few native calls: `name{a="b",…} value [ts]` with single spaces and no
 * escapes. Returns false, having visited nothing, for anything else; the full reader then takes the line
 * and reports what is wrong with it.
 */
function fastSample(
  text: string,
  start: number,
  end: number,
  visit: SampleVisitor,
  limits: ExpositionLimits,
  summary: ExpositionSummary,
  f: FastState,
): boolean {
  // Families come in runs of lines: most names equal the previous one (no slice, no scan).
  let name = f.lastName;
  let i = start + name.length;
  let c = text.charCodeAt(i);
  if (name.length === 0 || (c !== LBRACE && c !== SPACE) || !text.startsWith(name, start)) {
    if (!isNameStart(text.charCodeAt(start))) return false;
    i = start + 1;
    while (i < end && isNameChar(text.charCodeAt(i))) i++;
    name = text.slice(start, i);
    f.lastName = name;
    c = text.charCodeAt(i);
  }
  let labels = '';
  if (c === LBRACE) {
    const open = i + 1;
    if (f.escapes.next(open) < end) return false;
    i = open;
    let count = 0;
    while (text.charCodeAt(i) !== RBRACE) {
      if (!isNameStart(text.charCodeAt(i))) return false;
      i++;
      while (isNameChar(text.charCodeAt(i))) i++;
      if (text.charCodeAt(i) !== EQUALS || text.charCodeAt(i + 1) !== QUOTE) return false;
      const close = text.indexOf('"', i + 2);
      if (close === -1 || close >= end || ++count > limits.maxLabels) return false;
      i = close + 1;
      c = text.charCodeAt(i);
      if (c === COMMA) i += 1;
      else if (c !== RBRACE) return false;
    }
    labels = text.slice(open, i);
    i += 1;
  }
  if (text.charCodeAt(i) !== SPACE) return false;
  const value = fastNumber(text, i + 1, end, f);
  if (value === undefined) return false;
  i = f.numberEnd;
  let timestampMs: number | undefined;
  if (i < end) {
    if (text.charCodeAt(i) !== SPACE) return false;
    timestampMs = fastNumber(text, i + 1, end, f);
    if (timestampMs === undefined || f.numberEnd !== end || !Number.isInteger(timestampMs)) return false;
  }
  summary.samples += 1;
  visit(name, labels, value, timestampMs);
  return true;
}

function readSample(
  text: string,
  start: number,
  end: number,
  visit: SampleVisitor,
  limits: ExpositionLimits,
  summary: ExpositionSummary,
): void {
  let i = start;
  if (!isNameStart(text.charCodeAt(i))) throw new LineError('metric name expected');
  while (i < end && isNameChar(text.charCodeAt(i))) i++;
  const name = text.slice(start, i);
  let labels = '';
  let valueStart = skipBlank(text, i, end);
  if (text.charCodeAt(valueStart) === LBRACE) {
    const close = readLabels(text, valueStart + 1, end, undefined, limits.maxLabels);
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
  summary.samples += 1;
  visit(name, labels, value, timestampMs);
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB || c === 13;
}

function skipBlank(text: string, i: number, end: number): number {
  while (i < end && isBlank(text.charCodeAt(i))) i++;
  return i;
}

/**
 * Reads `name="value",…}` from just after `{` and returns the index of the `}`. With `out`, appends
 * each name and unescaped value; without it only validates (no allocation).
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
    const nameEnd = i;
    i = skipBlank(text, i, end);
    if (text.charCodeAt(i) !== EQUALS)
      throw new LineError(`'=' expected after label '${text.slice(nameStart, nameEnd)}'`);
    i = skipBlank(text, i + 1, end);
    if (text.charCodeAt(i) !== QUOTE)
      throw new LineError(`'"' expected for label '${text.slice(nameStart, nameEnd)}'`);
    i += 1;
    const valueStart = i;
    let escaped = false;
    for (;;) {
      if (i >= end) throw new LineError(`unterminated value of label '${text.slice(nameStart, nameEnd)}'`);
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
      out.push(text.slice(nameStart, nameEnd), escaped ? unescape(raw) : raw);
    }
    i = skipBlank(text, i + 1, end);
    const c = text.charCodeAt(i);
    if (c === COMMA) i += 1;
    else if (c !== RBRACE)
      throw new LineError(`',' or '}' expected after label '${text.slice(nameStart, nameEnd)}'`);
  }
}

/** Decodes a label set handed to a `SampleVisitor` into [name, value, name, value, …]. */
export function labelPairs(labels: string): string[] {
  const out: string[] = [];
  if (labels !== '') readLabels(`${labels}}`, 0, labels.length + 1, out, Number.MAX_SAFE_INTEGER);
  return out;
}

function unescape(raw: string): string {
  return raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

/** A parsed sample as an object, for tests and small expositions. */
export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
}

/** Parses `text` into objects (convenient, slower than the visitor). */
export function parseExpositionToArray(
  text: string,
  limits?: ExpositionLimits,
): { parsed: ParsedSample[]; summary: ExpositionSummary } {
  const samples: ParsedSample[] = [];
  const summary = parseExposition(
    text,
    (name, labelText, value, timestampMs) => {
      const labels = labelPairs(labelText);
      const record: Record<string, string> = {};
      for (let k = 0; k < labels.length; k += 2) record[labels[k] ?? ''] = labels[k + 1] ?? '';
      samples.push(
        timestampMs === undefined
          ? { name, labels: record, value }
          : { name, labels: record, value, timestampMs },
      );
    },
    limits,
  );
  return { parsed: samples, summary };
}
