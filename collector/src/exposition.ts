/**
 * A parser of the Prometheus text exposition format 0.0.4 (what the JMX exporter serves), over the bytes
 * of the body. Pure: no I/O. The common line shape is read in one pass over the bytes with no allocation
 * but the metric name (and only when it changes); every other line goes to the full reader
 * (exposition-line.ts), which also says what is wrong with a malformed one. Samples go to a visitor as they
 * are read, and label sets are decoded only on demand, so a caller that keeps a few metrics pays little
 * for the rest.
 */
import {
  BACKSLASH,
  COMMA,
  CR,
  EQUALS,
  HASH,
  LBRACE,
  LineError,
  NL,
  QUOTE,
  RBRACE,
  SPACE,
  labelPairs,
  readComment,
  readSampleLine,
} from './exposition-line.ts';

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

/** A sample's label set. Valid only during the visitor call that received it. */
export interface LabelSet {
  /** [name, value, name, value, …] with escapes resolved. */
  pairs(): string[];
}

/** Receives each sample: name, labels (decode with `pairs()` if needed), value (NaN and ±Inf included), timestamp in ms if any. */
export type SampleVisitor = (
  name: string,
  labels: LabelSet,
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

/** Name characters by byte: 2 = may start a name (`[a-zA-Z_:]`), 1 = digit, 0 = neither. */
const nameClass = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  nameClass[c] =
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58 ? 2 : c >= 48 && c <= 57 ? 1 : 0;
}

/** Bytes that end the fast scan of a label value: the closing quote, and what the fast path leaves to the full reader. */
const valueStop = new Uint8Array(256);
valueStop[QUOTE] = 1;
valueStop[BACKSLASH] = 1;
valueStop[NL] = 1;

/** Label set of a fast-path sample: a span of the body, decoded on demand. */
class ByteLabels implements LabelSet {
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
  pairs(): string[] {
    return this.end === this.start ? [] : labelPairs(this.buf.toString('utf8', this.start, this.end));
  }
}

/** Label set of a line read by the full reader. */
class TextLabels implements LabelSet {
  text = '';
  pairs(): string[] {
    return labelPairs(this.text);
  }
}

const exactPowers = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** Per-parse state of the fast path. */
interface Fast {
  b: Buffer;
  /** Start and length of the previous line's name in `b`, and the string made of it. */
  lastStart: number;
  lastLength: number;
  lastName: string;
  /** Where the last number read ended. */
  at: number;
}

/**
 * Reads a plain decimal (`-12.5`, `2.68435456E8`) from the bytes at `i`, stopping at a space, CR or LF.
 * Exact: with at most 15 significant digits and |exponent| ≤ 22, one multiplication or division by an
 * exact power of ten rounds correctly (Clinger's fast path). Undefined for anything else.
 */
function readNumber(f: Fast, i: number, end: number): number | undefined {
  const b = f.b;
  let negative = false;
  let c = b[i] ?? 0;
  if (c === 45 || c === 43) {
    negative = c === 45;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  let dot = false;
  let any = false;
  for (; i < end; i++) {
    c = b[i] ?? 0;
    if (c >= 48 && c <= 57) {
      any = true;
      if (digits > 0 || c !== 48) digits++;
      mantissa = mantissa * 10 + (c - 48);
      if (dot) scale--;
    } else if (c === 46 && !dot) dot = true;
    else break;
  }
  if (!any || digits > 15) return undefined;
  if (i < end && (c === 101 || c === 69)) {
    i++;
    let expNegative = false;
    c = b[i] ?? 0;
    if (c === 45 || c === 43) {
      expNegative = c === 45;
      i++;
    }
    const from = i;
    let exponent = 0;
    for (; i < end; i++) {
      c = b[i] ?? 0;
      if (c < 48 || c > 57) break;
      exponent = exponent * 10 + (c - 48);
      if (exponent > 400) return undefined;
    }
    if (i === from) return undefined;
    scale += expNegative ? -exponent : exponent;
  }
  if (i < end && c !== SPACE && c !== NL && c !== CR) return undefined;
  if (scale < -22 || scale > 22) return undefined;
  f.at = i;
  const magnitude = scale >= 0 ? mantissa * (exactPowers[scale] ?? 1) : mantissa / (exactPowers[-scale] ?? 1);
  return negative ? -magnitude : magnitude;
}

/**
 * The common line, from `start`: `name{a="b",…} value [ts]` with single spaces and no escapes, ending in LF
 * (or CRLF, or the end). Returns the index of the line's LF (or `len`) after visiting, or -1 having
 * visited nothing, for the full reader to take the line.
 */
function fastLine(
  f: Fast,
  start: number,
  len: number,
  labels: ByteLabels,
  visit: SampleVisitor,
  limits: ExpositionLimits,
): number {
  const b = f.b;
  const maxEnd = Math.min(len, start + limits.maxLineBytes);
  let i = start;
  // Families come in runs of lines: most names equal the previous line's (compare bytes, no string made).
  let name = f.lastName;
  const n = f.lastLength;
  let same = n > 0 && start + n < maxEnd;
  for (let k = 0; same && k < n; k++) same = b[start + k] === b[f.lastStart + k];
  if (same && nameClass[b[start + n] ?? 0] === 0) i = start + n;
  else {
    if (nameClass[b[i] ?? 0] !== 2) return -1;
    i++;
    while ((nameClass[b[i] as number] as number) > 0) i++;
    if (i >= maxEnd) return -1;
    name = b.toString('latin1', start, i);
    f.lastStart = start;
    f.lastLength = i - start;
    f.lastName = name;
  }
  let c = b[i];
  labels.start = labels.end = 0;
  if (c === LBRACE) {
    const open = ++i;
    let count = 0;
    while ((c = b[i]) !== RBRACE) {
      if (nameClass[c ?? 0] !== 2) return -1;
      i++;
      while ((nameClass[b[i] as number] as number) > 0) i++;
      if (b[i] !== EQUALS || b[i + 1] !== QUOTE) return -1;
      i += 2;
      while (valueStop[b[i] as number] === 0) i++;
      if (b[i] !== QUOTE || i >= maxEnd) return -1; // an escape, a line break or the end: the full reader
      if (++count > limits.maxLabels) return -1;
      c = b[++i];
      if (c === COMMA) i++;
      else if (c !== RBRACE) return -1;
    }
    labels.start = open;
    labels.end = i;
    c = b[++i];
  }
  if (c !== SPACE) return -1;
  const value = readNumber(f, i + 1, maxEnd);
  if (value === undefined) return -1;
  i = f.at;
  let timestampMs: number | undefined;
  if (b[i] === SPACE) {
    timestampMs = readNumber(f, i + 1, maxEnd);
    if (timestampMs === undefined || !Number.isInteger(timestampMs)) return -1;
    i = f.at;
  }
  if (b[i] === CR) i++;
  if (i < len && b[i] !== NL) return -1;
  visit(name, labels, value, timestampMs);
  return i;
}

/**
 * Parses an exposition body, calling `visit` for every well-formed sample. A malformed line is recorded
 * with its line number and skipped; the parse never stops or throws.
 */
export function parseExposition(
  input: Buffer | string,
  visit: SampleVisitor,
  limits: ExpositionLimits = defaultExpositionLimits,
): ExpositionSummary {
  const b = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const summary: ExpositionSummary = { samples: 0, errorCount: 0, errors: [], types: new Map() };
  const len = b.length;
  const f: Fast = { b, lastStart: 0, lastLength: 0, lastName: '', at: 0 };
  const byteLabels = new ByteLabels();
  byteLabels.buf = b;
  const textLabels = new TextLabels();
  let pos = 0;
  let lineNo = 0;
  while (pos < len) {
    lineNo += 1;
    const c = b[pos];
    if (c !== HASH && c !== NL) {
      const lf = fastLine(f, pos, len, byteLabels, visit, limits);
      if (lf >= 0) {
        summary.samples += 1;
        pos = lf + 1;
        continue;
      }
    }
    let end = b.indexOf(NL, pos);
    if (end === -1) end = len;
    const start = pos;
    pos = end + 1;
    if (end - start > limits.maxLineBytes) {
      record(summary, limits, lineNo, `line longer than ${limits.maxLineBytes} bytes`);
      continue;
    }
    const line = b.toString('utf8', start, end);
    if (line.trim() === '') continue;
    try {
      if (line.trimStart().startsWith('#')) {
        const declared = readComment(line);
        if (declared !== undefined) summary.types.set(declared[0], declared[1] as MetricType);
        continue;
      }
      const sample = readSampleLine(line, limits.maxLabels);
      textLabels.text = sample.labels;
      summary.samples += 1;
      visit(sample.name, textLabels, sample.value, sample.timestampMs);
    } catch (error) {
      if (!(error instanceof LineError)) throw error;
      record(summary, limits, lineNo, error.message);
    }
  }
  return summary;
}

function record(summary: ExpositionSummary, limits: ExpositionLimits, line: number, message: string): void {
  summary.errorCount += 1;
  if (summary.errors.length < limits.maxErrorsKept) summary.errors.push({ line, message });
}

/** A parsed sample as an object, for tests and small expositions. */
export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
}

/** Parses into objects (convenient, slower than the visitor). */
export function parseExpositionToArray(
  input: Buffer | string,
  limits?: ExpositionLimits,
): { parsed: ParsedSample[]; summary: ExpositionSummary } {
  const parsed: ParsedSample[] = [];
  const summary = parseExposition(
    input,
    (name, labelSet, value, timestampMs) => {
      const pairs = labelSet.pairs();
      const labels: Record<string, string> = {};
      for (let k = 0; k < pairs.length; k += 2) labels[pairs[k] ?? ''] = pairs[k + 1] ?? '';
      parsed.push(timestampMs === undefined ? { name, labels, value } : { name, labels, value, timestampMs });
    },
    limits,
  );
  return { parsed, summary };
}
