import { catalog } from '../../model/src/catalog.ts';
import type { MeasurementSpec } from '../../model/src/catalog.ts';
import type { Sample } from '../../model/src/sample.ts';

const needsKeyEscape = /[,= \\]/;
const escapeKey = (s: string): string =>
  needsKeyEscape.test(s) ? s.replace(/[,= \\]/g, (c) => `\\${c}`) : s;
const escapeMeasurement = (s: string): string => s.replace(/[, \\]/g, (c) => `\\${c}`);
const escapeString = (s: string): string => s.replace(/["\\]/g, (c) => `\\${c}`);

/** Per measurement: its escaped name and which fields are integers, computed once. */
interface MeasurementCodec {
  name: string;
  integers: ReadonlySet<string>;
}

const codecs = new Map<string, MeasurementCodec>();

function codecOf(measurement: string): MeasurementCodec {
  let codec = codecs.get(measurement);
  if (codec === undefined) {
    const spec = (catalog as Record<string, MeasurementSpec>)[measurement];
    const integers = new Set(
      Object.entries(spec?.fields ?? {}).flatMap(([k, f]) => (f.type === 'integer' ? [k] : [])),
    );
    codec = { name: escapeMeasurement(measurement), integers };
    codecs.set(measurement, codec);
  }
  return codec;
}

/** Escaped tag and field keys and tag values repeat from point to point: escape each once per encode. */
class EscapeCache {
  private readonly seen = new Map<string, string>();
  get(s: string): string {
    let e = this.seen.get(s);
    if (e === undefined) {
      e = escapeKey(s);
      if (this.seen.size < 100_000) this.seen.set(s, e);
    }
    return e;
  }
}

/**
 * Encodes samples as InfluxDB line protocol with ms timestamps (write with `precision=ms`), fields typed by
 * the catalog (integers get `i`). Tags are written in sorted key order, empty tags left out; NaN and ±Inf
 * fields are left out (InfluxDB 1.x stores neither), and a sample left with no field is skipped and counted.
 */
export function encodeLines(samples: readonly Sample[]): { body: string; points: number; skipped: number } {
  const escapes = new EscapeCache();
  let body = '';
  let points = 0;
  let skipped = 0;
  let lastKeys: string[] = [];
  let lastSorted: string[] = [];
  for (const sample of samples) {
    const codec = codecOf(sample.measurement);
    let line = codec.name;
    const keys = Object.keys(sample.tags);
    if (keys.length !== lastKeys.length || keys.some((k, i) => k !== lastKeys[i])) {
      lastKeys = keys;
      lastSorted = [...keys].sort();
    }
    for (const key of lastSorted) {
      const value = sample.tags[key];
      if (value === undefined || value === '') continue;
      line += `,${escapes.get(key)}=${escapes.get(value)}`;
    }
    let fields = '';
    for (const name in sample.fields) {
      const value = sample.fields[name];
      let encoded: string;
      if (typeof value === 'number') {
        if (!Number.isFinite(value)) continue;
        encoded = codec.integers.has(name) ? `${Math.round(value)}i` : `${value}`;
      } else if (typeof value === 'string') encoded = `"${escapeString(value)}"`;
      else if (typeof value === 'boolean') encoded = value ? 'true' : 'false';
      else continue;
      fields += `${fields === '' ? '' : ','}${escapes.get(name)}=${encoded}`;
    }
    if (fields === '') {
      skipped += 1;
      continue;
    }
    body += `${line} ${fields} ${Math.round(sample.timeMs)}\n`;
    points += 1;
  }
  return { body, points, skipped };
}
