/**
 * Names are data, never syntax. InfluxDB 1.x line protocol cannot carry a newline (or another control character)
 * in a tag value, keeps a backslash doubled (`\\` is not unescaped in tags) and cannot end a value with one. So a
 * tag value is stored with those characters, and `%` itself, written `%XX` (their hex code, upper case): reversible,
 * and unchanged for every name without them (every Kafka topic name, almost every group name). What reads tags back
 * decodes them; a filter on a tag value encodes its value.
 */
// Control characters are what these patterns are for.
// eslint-disable-next-line no-control-regex
const unsafe = /[\u0000-\u001f\u007f%\\]/;
// eslint-disable-next-line no-control-regex
const unsafeAll = /[\u0000-\u001f\u007f%\\]/g;
const encoded = /%(?:[01][0-9A-F]|7F|25|5C)/g;

const hex = (c: string): string => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;

/** A name as it is stored in a tag value. */
export function encodeTagValue(value: string): string {
  return unsafe.test(value) ? value.replace(unsafeAll, hex) : value;
}

/** A stored tag value as the name it was (the inverse of `encodeTagValue`). */
export function decodeTagValue(stored: string): string {
  return stored.includes('%')
    ? stored.replace(encoded, (e) => String.fromCharCode(Number.parseInt(e.slice(1), 16)))
    : stored;
}
