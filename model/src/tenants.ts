import { z } from 'zod';
import { parseConfigText, readConfigText } from './config-file.ts';
import type { ConfigResult } from './config-file.ts';
import type { Labels } from './labels.ts';
import { closest } from './suggest.ts';

/** A pattern's longest: Kafka's longest topic name (249 characters). */
const maxPattern = 249;
const pattern = z
  .string()
  .max(maxPattern, `at most ${maxPattern} characters (Kafka's longest topic name)`)
  .regex(/^[A-Za-z0-9._\-*?]+$/, 'a topic or group name, or a glob with * and ?');
const thresholds = z
  .record(
    z.string().regex(/^[a-z][a-z0-9_]*$/, 'a threshold name: lower-case letters, digits and _'),
    z.number().finite(),
  )
  .default({});
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM (24 h)');

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The ownership catalog: who owns which topics and consumer groups, whom to tell, and when not to. */
export const tenantsSchema = z
  .object({
    tenants: z
      .array(
        z
          .object({
            name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, _ and -'),
            contacts: z.array(z.email()).default([]),
            topics: z.array(pattern).default([]),
            groups: z.array(pattern).default([]),
            /** Where globs of two tenants overlap, the higher priority owns the names both match. */
            priority: z.number().int().min(0).max(1_000).default(0),
            /** The tenant's own thresholds (`lag_seconds`, …), read by rules that name them. */
            thresholds,
            /** Thresholds for some of its groups (names or globs), over the tenant-wide ones. */
            group_thresholds: z
              .array(z.object({ groups: z.array(pattern).min(1), thresholds }).strict())
              .default([]),
            /** SHA-256 (hex) of the tenant's API token: it reads only this tenant's alerts. */
            api_token_sha256: z
              .string()
              .regex(/^[0-9a-f]{64}$/, 'the SHA-256 of the token, 64 lower-case hex digits')
              .optional(),
            /** Emails wait while the tenant's quiet hours last (sent when they end). */
            quiet_hours: z
              .object({
                from: clock,
                to: clock,
                timezone: z
                  .string()
                  .refine(validTimeZone, 'an IANA time zone such as Europe/Paris')
                  .default('UTC'),
              })
              .strict()
              .optional(),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

/** The parsed catalog. */
export type TenantsCatalog = z.output<typeof tenantsSchema>;
/** One tenant of the catalog. */
export type Tenant = TenantsCatalog['tenants'][number];

const isGlob = (p: string): boolean => /[*?]/.test(p);

/** Whether some name matches both globs (`*` any run of characters, `?` one): O(|a|·|b|), no recursion. */
export function globsOverlap(a: string, b: string): boolean {
  // after[j]: a[i + 1..] and b[j..] can match the same name; here[j]: a[i..] and b[j..] can.
  let after = new Uint8Array(b.length + 1);
  let here = new Uint8Array(b.length + 1);
  for (let i = a.length; i >= 0; i--) {
    for (let j = b.length; j >= 0; j--) {
      let out: boolean;
      if (i === a.length && j === b.length) out = true;
      else if (a[i] === '*') out = after[j] === 1 || (j < b.length && here[j + 1] === 1);
      else if (b[j] === '*') out = here[j + 1] === 1 || (i < a.length && after[j] === 1);
      else if (i === a.length || j === b.length) out = false;
      else out = (a[i] === b[j] || a[i] === '?' || b[j] === '?') && after[j + 1] === 1;
      here[j] = out ? 1 : 0;
    }
    [after, here] = [here, after];
  }
  return after[0] === 1;
}

/** Whether `name` holds `part` (whose `?` stands for any one character) at `at`. */
function holdsAt(name: string, at: number, part: string): boolean {
  for (let k = 0; k < part.length; k++) if (part[k] !== '?' && part[k] !== name[at + k]) return false;
  return true;
}

/** A glob taken apart: the literal parts between its `*`s (each `?` stands for one character). */
interface CompiledGlob {
  /** No `*`: the whole name against the glob. */
  whole: boolean;
  first: string;
  last: string;
  middle: string[];
  least: number;
}

function compileGlob(glob: string): CompiledGlob {
  const parts = glob.split('*');
  const middle = parts.slice(1, -1).filter((p) => p !== '');
  const first = parts[0] ?? '';
  const last = parts.length === 1 ? '' : (parts.at(-1) ?? '');
  return {
    whole: parts.length === 1,
    first,
    last,
    middle,
    least: first.length + last.length + middle.reduce((n, p) => n + p.length, 0),
  };
}

/**
 * Whether a name matches a glob, without backtracking: the part before the first `*` must start the name, the
 * part after the last must end it, and each part between is placed at its first fit after the one before (the
 * leftmost fit never loses a match). At most |name|·|glob| steps: `*a*a*a*a*a*a*a*b` against 80 `a`s is
 * microseconds.
 */
function globHolds(g: CompiledGlob, name: string): boolean {
  if (g.whole) return name.length === g.first.length && holdsAt(name, 0, g.first);
  if (name.length < g.least || !holdsAt(name, 0, g.first)) return false;
  const end = name.length - g.last.length;
  if (!holdsAt(name, end, g.last)) return false;
  let from = g.first.length;
  for (const part of g.middle) {
    let at = from;
    while (at + part.length <= end && !holdsAt(name, at, part)) at++;
    if (at + part.length > end) return false;
    from = at + part.length;
  }
  return true;
}

/** A glob (`*` any run of characters, `?` one) as a test of names, in linear time (see `globHolds`). */
export function globTest(glob: string): (name: string) => boolean {
  const g = compileGlob(glob);
  return (name) => globHolds(g, name);
}

/** The literal text a glob's names must start with (up to its first `*` or `?`). */
const headOf = (glob: string): string => {
  let k = 0;
  while (k < glob.length && glob[k] !== '*' && glob[k] !== '?') k++;
  return glob.slice(0, k);
};
/** The literal text a glob's names must end with (after its last `*` or `?`). */
const tailOf = (glob: string): string =>
  glob.slice(Math.max(glob.lastIndexOf('*'), glob.lastIndexOf('?')) + 1);
const reversed = (s: string): string => [...s].reverse().join('');

/**
 * An index of globs by a literal end (their heads, or their reversed tails): the globs whose end is compatible
 * with a given one (one a prefix of the other), which are the only ones that can share a name with it.
 */
class EndIndex {
  private readonly byEnd = new Map<string, number[]>();
  private readonly sorted: { end: string; id: number }[];

  constructor(ends: readonly string[]) {
    ends.forEach((end, id) => {
      const list = this.byEnd.get(end);
      if (list === undefined) this.byEnd.set(end, [id]);
      else list.push(id);
    });
    this.sorted = ends
      .map((end, id) => ({ end, id }))
      .sort((x, y) => (x.end < y.end ? -1 : x.end > y.end ? 1 : 0));
  }

  /** The positions in `sorted` of the ends that start with `end` (itself included). */
  private range(end: string): [number, number] {
    const lower = (bound: (e: string) => boolean): number => {
      let lo = 0;
      let hi = this.sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (bound(this.sorted[mid]?.end ?? '')) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    };
    const from = lower((e) => e >= end);
    const to = lower((e) => e >= end && !e.startsWith(end));
    return [from, Math.max(from, to)];
  }

  /** How many globs are compatible with `end`. */
  count(end: string): number {
    let n = 0;
    for (let k = 0; k < end.length; k++) n += this.byEnd.get(end.slice(0, k))?.length ?? 0;
    const [from, to] = this.range(end);
    return n + to - from;
  }

  /** The ids of the globs compatible with `end`. */
  *compatible(end: string): Generator<number> {
    for (let k = 0; k < end.length; k++) yield* this.byEnd.get(end.slice(0, k)) ?? [];
    const [from, to] = this.range(end);
    for (let p = from; p < to; p++) yield this.sorted[p]?.id ?? -1;
  }
}

/**
 * For each glob, an earlier one of another owner at the same priority that can match a name it matches (or
 * undefined). Only globs whose literal heads and tails are compatible are compared, from the smaller of the two
 * candidate sets: near-linear for catalogs of prefixes (`team-*`) or suffixes (`*-events`).
 */
export function firstOverlaps(
  globs: readonly { p: string; owner: string; priority: number }[],
): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  const byPriority = new Map<number, number[]>();
  globs.forEach((g, id) => {
    const list = byPriority.get(g.priority);
    if (list === undefined) byPriority.set(g.priority, [id]);
    else list.push(id);
  });
  for (const ids of byPriority.values()) {
    const heads = ids.map((id) => headOf(globs[id]?.p ?? ''));
    const tails = ids.map((id) => reversed(tailOf(globs[id]?.p ?? '')));
    const byHead = new EndIndex(heads);
    const byTail = new EndIndex(tails);
    const compatible = (x: string, y: string): boolean => x.startsWith(y) || y.startsWith(x);
    ids.forEach((id, k) => {
      const g = globs[id];
      if (g === undefined) return;
      const head = heads[k] ?? '';
      const tail = tails[k] ?? '';
      const useHeads = byHead.count(head) <= byTail.count(tail);
      let clash: number | undefined;
      for (const c of useHeads ? byHead.compatible(head) : byTail.compatible(tail)) {
        if (c >= k || (clash !== undefined && c >= clash)) continue;
        const other = globs[ids[c] ?? -1];
        if (other === undefined || other.owner === g.owner || other.p === g.p) continue;
        if (!compatible(useHeads ? (tails[c] ?? '') : (heads[c] ?? ''), useHeads ? tail : head)) continue;
        if (globsOverlap(other.p, g.p)) clash = c;
      }
      out[id] = clash === undefined ? undefined : ids[clash];
    });
  }
  return out;
}

/**
 * Parses a tenants file's text; every error with file:line:column, including a name owned twice and two
 * tenants' globs that can match the same name at the same priority (give one a higher `priority`).
 */
export function parseTenants(
  text: string,
  file: string,
  thresholdNames?: readonly string[],
): ConfigResult<TenantsCatalog> {
  return parseConfigText(text, file, tenantsSchema, (catalog) => {
    const problems: { path: (string | number)[]; message: string; atKey?: boolean }[] =
      thresholdNames === undefined ? [] : unreadThresholds(catalog, thresholdNames);
    const names = new Map<string, number>();
    for (const kind of ['topics', 'groups'] as const) {
      const owners = new Map<string, string>();
      const globs: { p: string; owner: string; priority: number; path: (string | number)[] }[] = [];
      catalog.tenants.forEach((t, ti) => {
        t[kind].forEach((p, pi) => {
          const owner = owners.get(p);
          if (owner !== undefined && owner !== t.name) {
            problems.push({
              path: ['tenants', ti, kind, pi],
              message: `'${p}' is already owned by tenant ${owner}`,
            });
          }
          owners.set(p, t.name);
          if (isGlob(p))
            globs.push({ p, owner: t.name, priority: t.priority, path: ['tenants', ti, kind, pi] });
        });
      });
      firstOverlaps(globs).forEach((c, id) => {
        const g = globs[id];
        const clash = c === undefined ? undefined : globs[c];
        if (g !== undefined && clash !== undefined)
          problems.push({
            path: g.path,
            message: `'${g.p}' and tenant ${clash.owner}'s '${clash.p}' can match the same name: give one tenant a higher priority`,
          });
      });
    }
    catalog.tenants.forEach((t, ti) => {
      if (names.has(t.name))
        problems.push({ path: ['tenants', ti, 'name'], message: `tenant ${t.name} is defined twice` });
      names.set(t.name, ti);
    });
    return problems;
  });
}

interface IndexedGlob<T> {
  glob: CompiledGlob;
  priority: number;
  length: number;
  order: number;
  value: T;
}

/**
 * Names against patterns: exact names first, then globs by priority, then longer globs first, then the first
 * added. Exact names are a map; globs are filed under their literal head (or, if they start with a wildcard,
 * their literal tail), so a name is tested only against the globs whose head starts it or whose tail ends it: a
 * lookup costs about its length in map reads, however many tenants the catalog has.
 */
class PatternIndex<T> {
  private readonly exact = new Map<string, T>();
  private readonly byHead = new Map<string, IndexedGlob<T>[]>();
  private readonly byTail = new Map<string, IndexedGlob<T>[]>();
  private readonly rest: IndexedGlob<T>[] = [];
  private longestHead = 0;
  private longestTail = 0;
  private added = 0;

  add(pattern: string, priority: number, value: T): void {
    const order = this.added++;
    if (!isGlob(pattern)) {
      if (!this.exact.has(pattern)) this.exact.set(pattern, value);
      return;
    }
    const g = { glob: compileGlob(pattern), priority, length: pattern.length, order, value };
    const head = headOf(pattern);
    const tail = tailOf(pattern);
    if (head !== '') {
      PatternIndex.file(this.byHead, head, g);
      this.longestHead = Math.max(this.longestHead, head.length);
    } else if (tail !== '') {
      PatternIndex.file(this.byTail, tail, g);
      this.longestTail = Math.max(this.longestTail, tail.length);
    } else this.rest.push(g);
  }

  private static file<T>(index: Map<string, IndexedGlob<T>[]>, key: string, g: IndexedGlob<T>): void {
    const list = index.get(key);
    if (list === undefined) index.set(key, [g]);
    else list.push(g);
  }

  match(name: string): T | undefined {
    const known = this.exact.get(name);
    if (known !== undefined) return known;
    let best: IndexedGlob<T> | undefined;
    const consider = (list: readonly IndexedGlob<T>[] | undefined): void => {
      for (const g of list ?? [])
        if (
          (best === undefined ||
            g.priority > best.priority ||
            (g.priority === best.priority &&
              (g.length > best.length || (g.length === best.length && g.order < best.order)))) &&
          globHolds(g.glob, name)
        )
          best = g;
    };
    for (let k = 1; k <= Math.min(name.length, this.longestHead); k++)
      consider(this.byHead.get(name.slice(0, k)));
    for (let k = 1; k <= Math.min(name.length, this.longestTail); k++)
      consider(this.byTail.get(name.slice(name.length - k)));
    consider(this.rest);
    return best?.value;
  }
}

/** A name → owner function over an index, cached per name. */
function cachedResolver(index: PatternIndex<string>): (name: string) => string {
  const cache = new Map<string, string>();
  return (name) => {
    let tenant = cache.get(name);
    if (tenant === undefined) {
      tenant = index.match(name) ?? '';
      if (cache.size < 100_000) cache.set(name, tenant);
    }
    return tenant;
  };
}

/**
 * Resolves names to their owning tenant ('' when none): an exact name beats a glob, a higher priority beats a
 * lower one, a longer glob beats a shorter one. Results are cached per name.
 */
export function tenantResolver(catalog: TenantsCatalog, kind: 'topics' | 'groups'): (name: string) => string {
  const index = new PatternIndex<string>();
  for (const t of catalog.tenants) for (const p of t[kind]) index.add(p, t.priority, t.name);
  return cachedResolver(index);
}

/**
 * `tenantResolver`, made `every` tenants at a time with `pause()` between (a caller's event loop goes on: a
 * catalog of 10,000 tenants takes tens of milliseconds, more while the code is cold).
 */
export async function tenantResolverInSteps(
  catalog: TenantsCatalog,
  kind: 'topics' | 'groups',
  pause: () => Promise<void>,
  every = 500,
): Promise<(name: string) => string> {
  const index = new PatternIndex<string>();
  for (let k = 0; k < catalog.tenants.length; k++) {
    const t = catalog.tenants[k];
    if (t !== undefined) for (const p of t[kind]) index.add(p, t.priority, t.name);
    if (k % every === every - 1) await pause();
  }
  return cachedResolver(index);
}

/**
 * A tenant's threshold for an alert's labels: the `group_thresholds` entry matching its `group`, else the
 * tenant-wide one; undefined when the catalog has none (the rule's default applies).
 */
export function thresholdLookup(
  catalog: TenantsCatalog,
): (labels: Labels, name: string) => number | undefined {
  const byTenant = new Map(catalog.tenants.map((t) => [t.name, t]));
  // Each tenant's group matcher is made at its first lookup: a reload of a big catalog builds none.
  const matchers = new Map<string, (group: string) => Tenant['thresholds'] | undefined>();
  return (labels, name) => {
    const t = byTenant.get(labels.tenant ?? '');
    if (t === undefined) return undefined;
    if (labels.group === undefined || t.group_thresholds.length === 0) return t.thresholds[name];
    let match = matchers.get(t.name);
    if (match === undefined) {
      const index = new PatternIndex<Tenant['thresholds']>();
      for (const g of t.group_thresholds) for (const p of g.groups) index.add(p, 0, g.thresholds);
      match = (group) => index.match(group);
      matchers.set(t.name, match);
    }
    return match(labels.group)?.[name] ?? t.thresholds[name];
  };
}

/** Whether `atMs` falls in the tenant's quiet hours (in its time zone); a window may span midnight. */
export function inQuietHours(tenant: Pick<Tenant, 'quiet_hours'>, atMs: number): boolean {
  const q = tenant.quiet_hours;
  if (q === undefined || q.from === q.to) return false;
  const hm = new Intl.DateTimeFormat('en-GB', {
    timeZone: q.timezone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(atMs);
  return q.from < q.to ? hm >= q.from && hm < q.to : hm >= q.from || hm < q.to;
}

/**
 * Reads the tenants catalog a config names; every error with file:line. With `thresholdNames` (the names the
 * rules read), a threshold of another name is an error: a misspelt `lag_second` would never be read.
 */
export function loadTenantsFile(
  path: string,
  thresholdNames?: readonly string[],
): ConfigResult<TenantsCatalog> {
  const read = readConfigText(path);
  return read.ok ? parseTenants(read.text, path, thresholdNames) : read;
}

/** Every threshold a tenant sets (tenant-wide or for some of its groups) that no rule reads. */
function unreadThresholds(
  catalog: TenantsCatalog,
  names: readonly string[],
): { path: (string | number)[]; message: string; atKey: boolean }[] {
  const known = new Set(names);
  const problems: { path: (string | number)[]; message: string; atKey: boolean }[] = [];
  const check = (thresholds: Readonly<Record<string, number>>, path: (string | number)[]): void => {
    for (const name of Object.keys(thresholds)) {
      if (known.has(name)) continue;
      const near = closest(name, names);
      problems.push({
        path: [...path, name],
        atKey: true,
        message: `no rule reads a threshold "${name}"${near === undefined ? '' : ` (did you mean "${near}"?)`}; the rules read: ${names.join(', ') || 'none'}`,
      });
    }
  };
  catalog.tenants.forEach((t, ti) => {
    check(t.thresholds, ['tenants', ti, 'thresholds']);
    t.group_thresholds.forEach((g, gi) =>
      check(g.thresholds, ['tenants', ti, 'group_thresholds', gi, 'thresholds']),
    );
  });
  return problems;
}
