import type { z } from 'zod';

/** Edits (insert, delete, substitute, swap two neighbours) between two words, or `limit + 1` once past it. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before = Array.from({ length: b.length + 1 }, (_, j) => j);
  let previous = before;
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((before[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (before[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, (previous[j - 2] ?? 0) + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > limit) return limit + 1;
    previous = before;
    before = row;
  }
  return before[b.length] ?? limit + 1;
}

/** The candidate closest to `word` (a misspelling: at most a third of its letters off, at least one), if any. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const c of candidates) {
    const d = c.toLowerCase() === word.toLowerCase() ? 0 : distance(word, c, limit);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** What zod keeps of a schema: its kind and the parts a walk along a path needs. */
interface Def {
  type: string;
  shape?: Record<string, { _zod: { def: Def } }>;
  innerType?: { _zod: { def: Def } };
  in?: { _zod: { def: Def } };
  element?: { _zod: { def: Def } };
  valueType?: { _zod: { def: Def } };
  options?: { _zod: { def: Def } }[];
}

/** The object keys `schema` allows at `path` (of the value as written), or undefined where it cannot tell. */
export function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  const keys = new Set<string>();
  const walk = (def: Def, at: number): boolean => {
    switch (def.type) {
      case 'optional':
      case 'default':
      case 'prefault':
      case 'nullable':
      case 'readonly':
      case 'catch':
        return def.innerType !== undefined && walk(def.innerType._zod.def, at);
      case 'pipe':
        return def.in !== undefined && walk(def.in._zod.def, at);
      case 'union':
        return (def.options ?? []).map((o) => walk(o._zod.def, at)).some(Boolean);
      case 'array':
        return at < path.length && def.element !== undefined && walk(def.element._zod.def, at + 1);
      case 'record':
        return at < path.length && def.valueType !== undefined && walk(def.valueType._zod.def, at + 1);
      case 'object': {
        if (def.shape === undefined) return false;
        if (at === path.length) {
          for (const k of Object.keys(def.shape)) keys.add(k);
          return true;
        }
        const next = def.shape[String(path[at])];
        return next !== undefined && walk(next._zod.def, at + 1);
      }
      default:
        return false;
    }
  };
  return walk((schema as unknown as { _zod: { def: Def } })._zod.def, 0) ? [...keys].sort() : undefined;
}

/** What to say of an unknown key: the known one it is likely a misspelling of, else the keys allowed there. */
export function unknownKeyMessage(key: string, known: readonly string[] | undefined): string {
  if (known === undefined || known.length === 0) return `unknown key "${key}"`;
  const near = closest(key, known);
  if (near !== undefined) return `unknown key "${key}" (did you mean "${near}"?)`;
  const shown = known.slice(0, 15);
  return `unknown key "${key}"; allowed here: ${shown.join(', ')}${known.length > shown.length ? ', …' : ''}`;
}
