import { z } from 'zod';
import { parseConfigText, readConfigText } from './config-file.ts';
import type { ConfigResult } from './config-file.ts';

const pattern = z.string().regex(/^[A-Za-z0-9._\-*?]+$/, 'a topic or group name, or a glob with * and ?');

/** The ownership catalog: who owns which topics and consumer groups, and whom to tell. */
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
            thresholds: z
              .record(
                z.string().regex(/^[a-z][a-z0-9_]*$/, 'a threshold name: lower-case letters, digits and _'),
                z.number().finite(),
              )
              .default({}),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

/** The parsed catalog. */
export type TenantsCatalog = z.output<typeof tenantsSchema>;

/** Parses a tenants file's text; every error (including the same pattern owned twice) with file:line:column. */
export function parseTenants(text: string, file: string): ConfigResult<TenantsCatalog> {
  return parseConfigText(text, file, tenantsSchema, (catalog) => {
    const problems: { path: (string | number)[]; message: string }[] = [];
    const names = new Map<string, number>();
    for (const kind of ['topics', 'groups'] as const) {
      const owners = new Map<string, string>();
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

/**
 * Resolves names to their owning tenant ('' when none): an exact name beats a glob, a longer glob beats a
 * shorter one (so `payments.refunds.*` can carve out of `payments.*`). Results are cached per name.
 */
export function tenantResolver(catalog: TenantsCatalog, kind: 'topics' | 'groups'): (name: string) => string {
  const exact = new Map<string, string>();
  const globs: { re: RegExp; length: number; tenant: string }[] = [];
  for (const t of catalog.tenants) {
    for (const p of t[kind]) {
      if (/[*?]/.test(p)) globs.push({ re: globToRegExp(p), length: p.length, tenant: t.name });
      else exact.set(p, t.name);
    }
  }
  globs.sort((a, b) => b.length - a.length);
  const cache = new Map<string, string>();
  return (name) => {
    let tenant = cache.get(name);
    if (tenant === undefined) {
      tenant = exact.get(name) ?? globs.find((g) => g.re.test(name))?.tenant ?? '';
      if (cache.size < 100_000) cache.set(name, tenant);
    }
    return tenant;
  };
}

/** Reads the tenants catalog a config names; every error with file:line. */
export function loadTenantsFile(path: string): ConfigResult<TenantsCatalog> {
  const read = readConfigText(path);
  return read.ok ? parseTenants(read.text, path) : read;
}
