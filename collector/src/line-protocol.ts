import { fieldSpec } from '../../model/src/catalog.ts';
import type { Sample } from '../../model/src/sample.ts';

const escapeKey = (s: string): string => s.replace(/[,= \\]/g, (c) => `\\${c}`);
const escapeMeasurement = (s: string): string => s.replace(/[, \\]/g, (c) => `\\${c}`);
const escapeString = (s: string): string => s.replace(/["\\]/g, (c) => `\\${c}`);
const plain = /^[A-Za-z0-9_.:/-]*$/;

/** A field as line protocol, typed by the catalog (integers get `i`); undefined when it cannot be stored. */
function encodeField(
  measurement: string,
  name: string,
  value: number | boolean | string,
): string | undefined {
  const key = plain.test(name) ? name : escapeKey(name);
  if (typeof value === 'string') return `${key}="${escapeString(value)}"`;
  if (typeof value === 'boolean') return `${key}=${value ? 'true' : 'false'}`;
  if (!Number.isFinite(value)) return undefined; // InfluxDB 1.x stores no NaN or ±Inf
  if (fieldSpec(measurement, name)?.type === 'integer') return `${key}=${Math.round(value)}i`;
  return `${key}=${value}`;
}

/**
 * Encodes samples as InfluxDB line protocol with ms timestamps (write with `precision=ms`). Tags are
 * written in sorted key order, empty tags left out; a sample with no storable field is skipped and counted.
 */
export function encodeLines(samples: readonly Sample[]): { body: string; points: number; skipped: number } {
  const lines: string[] = [];
  let skipped = 0;
  for (const sample of samples) {
    let line = plain.test(sample.measurement) ? sample.measurement : escapeMeasurement(sample.measurement);
    for (const key of Object.keys(sample.tags).sort()) {
      const value = sample.tags[key];
      if (value === undefined || value === '') continue;
      line += `,${plain.test(key) ? key : escapeKey(key)}=${plain.test(value) ? value : escapeKey(value)}`;
    }
    const fields: string[] = [];
    for (const [name, value] of Object.entries(sample.fields)) {
      const encoded = encodeField(sample.measurement, name, value);
      if (encoded !== undefined) fields.push(encoded);
    }
    if (fields.length === 0) {
      skipped += 1;
      continue;
    }
    lines.push(`${line} ${fields.join(',')} ${Math.round(sample.timeMs)}`);
  }
  return { body: lines.length === 0 ? '' : `${lines.join('\n')}\n`, points: lines.length, skipped };
}
