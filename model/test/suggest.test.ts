import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { closest, knownKeys } from '../src/suggest.ts';

describe('suggestions for unknown names', () => {
  it('finds the misspelt name: a letter off, missing, doubled, two swapped, another case; nothing far off', () => {
    const known = ['lag_seconds', 'lag_messages', 'threshold', 'group_wait', 'receiver'];
    expect(closest('lag_second', known)).toBe('lag_seconds');
    expect(closest('lag_mesages', known)).toBe('lag_messages');
    expect(closest('thresold', known)).toBe('threshold');
    expect(closest('recevier', known)).toBe('receiver');
    expect(closest('Group_Wait', known)).toBe('group_wait');
    expect(closest('colour', known)).toBeUndefined();
    expect(closest('x', known)).toBeUndefined();
  });

  it("walks a schema along a value's path to the keys allowed there", () => {
    const schema = z
      .object({
        a: z.object({ b: z.number(), c: z.string().optional() }).strict().optional(),
        list: z.array(z.object({ x: z.number() }).strict()).default([]),
        byName: z.record(z.string(), z.object({ y: z.number() })),
        either: z.union([z.object({ email: z.string() }), z.object({ webhook: z.string() })]),
      })
      .strict();
    expect(knownKeys(schema, [])).toEqual(['a', 'byName', 'either', 'list']);
    expect(knownKeys(schema, ['a'])).toEqual(['b', 'c']);
    expect(knownKeys(schema, ['list', 3])).toEqual(['x']);
    expect(knownKeys(schema, ['byName', 'anything'])).toEqual(['y']);
    expect(knownKeys(schema, ['either'])).toEqual(['email', 'webhook']);
    expect(knownKeys(schema, ['nowhere'])).toBeUndefined();
  });
});
