import { createHash } from 'node:crypto';

/** An alert's identity: label names to values. */
export type Labels = Readonly<Record<string, string>>;

/** A stable fingerprint of a label set (order does not matter): 16 hex digits of SHA-256. */
export function fingerprint(labels: Labels): string {
  const text = Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0000${labels[k] ?? ''}`)
    .join('\u0001');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
