import { catalog } from './catalog.ts';
import type { MeasurementSpec } from './catalog.ts';
import type { Sample } from './sample.ts';
import { encodeTagValue } from './tag-value.ts';

const needsKeyEscape = /[,= \\]/;
const escapeKey = (s: string): string =>
  needsKeyEscape.test(s) ? s.replace(/[,= \\]/g, (c) => `\\${c}`) : s;
const escapeMeasurement = (s: string): string => s.replace(/[, \\]/g, (c) => `\\${c}`);
const escapeString = (s: string): string => s.replace(/["\\]/g, (c) => `\\${c}`);

/** How one field of a measurement is written: its `key=` prefix, and whether it is an integer. */
interface FieldCodec {
  prefix: string;
  integer: boolean;
}

/** Per measurement, computed once: its escaped name and its fields' codecs (fields outside the catalog get one on first sight). */
interface MeasurementCodec {
  name: string;
  fields: Map<string, FieldCodec>;
}

const codecs = new Map<string, MeasurementCodec>();

function codecOf(measurement: string): MeasurementCodec {
  let codec = codecs.get(measurement);
  if (codec === undefined) {
    const spec = (catalog as Record<string, MeasurementSpec>)[measurement];
    const fields = new Map(
      Object.entries(spec?.fields ?? {}).map(([k, f]): [string, FieldCodec] => [
        k,
        { prefix: `${escapeKey(k)}=`, integer: f.type === 'integer' },
      ]),
    );
    codec = { name: escapeMeasurement(measurement), fields };
    codecs.set(measurement, codec);
  }
  return codec;
}

function fieldCodec(codec: MeasurementCodec, name: string): FieldCodec {
  let field = codec.fields.get(name);
  if (field === undefined) {
    field = { prefix: `${escapeKey(name)}=`, integer: false };
    if (codec.fields.size < 1_000) codec.fields.set(name, field);
  }
  return field;
}

/** The tag order of one key list: sorted, with each key's `,key=` prefix. Cached by the list's text. */
const tagPlans = new Map<string, { keys: string[]; prefixes: string[] }>();

function tagPlan(keys: string[]): { keys: string[]; prefixes: string[] } {
  const id = keys.join('\u0000');
  let plan = tagPlans.get(id);
  if (plan === undefined) {
    const sorted = [...keys].sort();
    plan = { keys: sorted, prefixes: sorted.map((k) => `,${escapeKey(k)}=`) };
    if (tagPlans.size < 1_000) tagPlans.set(id, plan);
  }
  return plan;
}

/**
 * Encodes samples as InfluxDB line protocol with ms timestamps (write with `precision=ms`), fields typed by
 * the catalog (integers get `i`). Tags are written in sorted key order, empty tags left out, values encoded
 * (`encodeTagValue`: no name can add a line, a tag or a field); NaN and ±Inf
 * fields are left out (InfluxDB 1.x stores neither), and a sample left with no field is skipped and counted.
 */
export function encodeLines(samples: readonly Sample[]): { body: string; points: number; skipped: number } {
  let body = '';
  let points = 0;
  let skipped = 0;
  let lastKeys: string[] = [];
  let plan = tagPlan([]);
  for (const sample of samples) {
    const codec = codecOf(sample.measurement);
    const keys = Object.keys(sample.tags);
    if (keys.length !== lastKeys.length || keys.some((k, i) => k !== lastKeys[i])) {
      lastKeys = keys;
      plan = tagPlan(keys);
    }
    let line = codec.name;
    for (let k = 0; k < plan.keys.length; k++) {
      const value = sample.tags[plan.keys[k] ?? ''];
      if (value === undefined || value === '') continue;
      line += `${plan.prefixes[k]}${escapeKey(encodeTagValue(value))}`;
    }
    let fields = '';
    for (const name in sample.fields) {
      const value = sample.fields[name];
      const field = fieldCodec(codec, name);
      let encoded: string;
      if (typeof value === 'number') {
        if (!Number.isFinite(value)) continue;
        encoded = field.integer ? `${Math.round(value)}i` : `${value}`;
      } else if (typeof value === 'string') encoded = `"${escapeString(value)}"`;
      else if (typeof value === 'boolean') encoded = value ? 'true' : 'false';
      else continue;
      fields += `${fields === '' ? '' : ','}${field.prefix}${encoded}`;
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
