import { z } from 'zod';
import { parseConfigText, readConfigText } from './config-file.ts';
import type { ConfigResult } from './config-file.ts';
import type { Labels } from './labels.ts';

const pattern = z.string().regex(/^[A-Za-z0-9._\-*?]+$/, 'a topic or group name, or a glob with * and ?');
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

/** Whether some name matches both globs (`*` any run of characters, `?` one). */
export function globsOverlap(a: string, b: string): boolean {
  const seen = new Map<number, boolean>();
  const step = (i: number, j: number): boolean => {
    const key = i * (b.length + 1) + j;
    const known = seen.get(key);
    if (known !== undefined) return known;
    seen.set(key, false);
    let out: boolean;
    if (i === a.length && j === b.length) out = true;
    else if (a[i] === '*') out = step(i + 1, j) || (j < b.length && step(i, j + 1));
    else if (b[j] === '*') out = step(i, j + 1) || (i < a.length && step(i + 1, j));
    else if (i === a.length || j === b.length) out = false;
    else out = (a[i] === b[j] || a[i] === '?' || b[j] === '?') && step(i + 1, j + 1);
    seen.set(key, out);
    return out;
  };
  return step(0, 0);
}

/**
 * Parses a tenants file's text; every error with file:line:column, including a name owned twice and two
 * tenants' globs that can match the same name at the same priority (give one a higher `priority`).
 */
export function parseTenants(text: string, file: string): ConfigResult<TenantsCatalog> {
  return parseConfigText(text, file, tenantsSchema, (catalog) => {
    const problems: { path: (string | number)[]; message: string }[] = [];
    const names = new Map<string, number>();
    for (const kind of ['topics', 'groups'] as const) {
      const owners = new Map<string, string>();
      const globs: { p: string; tenant: string; priority: number }[] = [];
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
          if (!isGlob(p)) return;
          const clash = globs.find(
            (g) => g.tenant !== t.name && g.priority === t.priority && g.p !== p && globsOverlap(g.p, p),
          );
          if (clash !== undefined)
            problems.push({
              path: ['tenants', ti, kind, pi],
              message: `'${p}' and tenant ${clash.tenant}'s '${clash.p}' can match the same name: give one tenant a higher priority`,
            });
          globs.push({ p, tenant: t.name, priority: t.priority });
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

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\-]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${escaped}$`);
}

/** A matcher of names against patterns: exact names first, then globs by priority, then longer globs first. */
function patternMatcher<T>(
  entries: readonly { pattern: string; priority: number; value: T }[],
): (name: string) => T | undefined {
  const exact = new Map<string, T>();
  const globs: { re: RegExp; priority: number; length: number; value: T }[] = [];
  for (const e of entries) {
    if (isGlob(e.pattern))
      globs.push({
        re: globToRegExp(e.pattern),
        priority: e.priority,
        length: e.pattern.length,
        value: e.value,
      });
    else if (!exact.has(e.pattern)) exact.set(e.pattern, e.value);
  }
  globs.sort((a, b) => b.priority - a.priority || b.length - a.length);
  return (name) => exact.get(name) ?? globs.find((g) => g.re.test(name))?.value;
}

/**
 * Resolves names to their owning tenant ('' when none): an exact name beats a glob, a higher priority beats a
 * lower one, a longer glob beats a shorter one. Results are cached per name.
 */
export function tenantResolver(catalog: TenantsCatalog, kind: 'topics' | 'groups'): (name: string) => string {
  const match = patternMatcher(
    catalog.tenants.flatMap((t) =>
      t[kind].map((pattern) => ({ pattern, priority: t.priority, value: t.name })),
    ),
  );
  const cache = new Map<string, string>();
  return (name) => {
    let tenant = cache.get(name);
    if (tenant === undefined) {
      tenant = match(name) ?? '';
      if (cache.size < 100_000) cache.set(name, tenant);
    }
    return tenant;
  };
}

/**
 * A tenant's threshold for an alert's labels: the `group_thresholds` entry matching its `group`, else the
 * tenant-wide one; undefined when the catalog has none (the rule's default applies).
 */
export function thresholdLookup(
  catalog: TenantsCatalog,
): (labels: Labels, name: string) => number | undefined {
  const byTenant = new Map(
    catalog.tenants.map((t) => [
      t.name,
      {
        own: t.thresholds,
        group: patternMatcher(
          t.group_thresholds.flatMap((g) =>
            g.groups.map((pattern) => ({ pattern, priority: 0, value: g.thresholds })),
          ),
        ),
      },
    ]),
  );
  return (labels, name) => {
    const t = byTenant.get(labels.tenant ?? '');
    if (t === undefined) return undefined;
    const group = labels.group === undefined ? undefined : t.group(labels.group);
    return group?.[name] ?? t.own[name];
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

/** Reads the tenants catalog a config names; every error with file:line. */
export function loadTenantsFile(path: string): ConfigResult<TenantsCatalog> {
  const read = readConfigText(path);
  return read.ok ? parseTenants(read.text, path) : read;
}
