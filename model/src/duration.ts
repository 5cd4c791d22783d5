import { z } from 'zod';

const units: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

/**
 * Parses a Prometheus duration (`500ms`, `15s`, `5m`, `1h30m`, `7d`) into ms; undefined if it is not one.
 */
export function parseDuration(text: string): number | undefined {
  if (!/^(\d+(ms|s|m|h|d|w|y))+$/.test(text)) return undefined;
  let total = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g))
    total += Number(n) * (units[unit ?? ''] ?? 0);
  return total;
}

/** Formats ms as the shortest Prometheus duration (`90000` → `1m30s`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, size] of Object.entries(units).reverse()) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out;
}

/** A duration in a config or rule file (`15s`, `5m`), parsed to ms. */
export const durationSchema = z
  .string()
  .refine((s) => parseDuration(s) !== undefined, { message: 'expected a duration like 15s, 5m, 7d' })
  .transform((s) => parseDuration(s) ?? 0);
