import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { formatConfigErrors } from '../../model/src/config-file.ts';
import { tenantResolverInSteps, thresholdLookup } from '../../model/src/tenants.ts';
import type { TenantsCatalog } from '../../model/src/tenants.ts';
import type { Labels } from '../../model/src/labels.ts';
import type { SelfProblem } from './engine/self-alerts.ts';
import { Ownership } from './route/ownership.ts';
import { nextTask, readTenantsAside } from './tenants-aside.ts';
import type { ConfigResult } from '../../model/src/config-file.ts';
import type { Logger } from 'pino';

/** The catalog in force and what is derived from it, swapped as a whole on reload. */
export interface TenantsView {
  catalog: TenantsCatalog;
  ownership: Ownership;
  threshold: (labels: Labels, name: string) => number | undefined;
  /** SHA-256 of a tenant API token → tenant. */
  tokens: ReadonlyMap<string, string>;
}

/** The view of a reloaded catalog, made a few hundred tenants per event-loop task. */
async function viewInSteps(catalog: TenantsCatalog): Promise<TenantsView> {
  const topics = await tenantResolverInSteps(catalog, 'topics', nextTask);
  const groups = await tenantResolverInSteps(catalog, 'groups', nextTask);
  return viewOf(catalog, new Ownership(catalog, { topics, groups }));
}

function viewOf(catalog: TenantsCatalog, ownership = new Ownership(catalog)): TenantsView {
  const tokens = new Map<string, string>();
  for (const t of catalog.tenants)
    if (t.api_token_sha256 !== undefined) tokens.set(t.api_token_sha256, t.name);
  return { catalog, ownership, threshold: thresholdLookup(catalog), tokens };
}

/** SHA-256 (hex) of a token, as tenants.yaml holds it. */
export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * The tenants catalog, hot-reloaded: `poll()` rereads the file when its size or mtime changed, in a child
 * process (a catalog of 10,000 tenants takes about half a second to check; the event loop goes on meanwhile);
 * a valid file replaces the catalog in one step, an invalid one keeps the last good one and is reported as a
 * problem (LookoutConfigInvalid) until fixed.
 */
export class TenantsSource {
  private view: TenantsView;
  private stamp: string | undefined;
  private error: string | undefined;
  private reading: Promise<void> | undefined;

  constructor(
    private readonly path: string | undefined,
    initial: TenantsCatalog | undefined,
    private readonly onReload: (outcome: { ok: boolean; tenants: number; error?: string }) => void = () =>
      undefined,
    /** The threshold names the rules read: a reloaded catalog setting another is refused as a misspelling. */
    private readonly thresholdNames?: readonly string[],
  ) {
    this.view = viewOf(initial ?? { tenants: [] });
    this.stamp = this.stampOf();
  }

  current(): TenantsView {
    return this.view;
  }

  private stampOf(): string | undefined {
    if (this.path === undefined) return undefined;
    try {
      const s = statSync(this.path);
      return `${s.size}:${s.mtimeMs}`;
    } catch {
      return 'missing';
    }
  }

  /** Starts rereading the file if it changed (one read at a time); `settled()` waits for it. */
  poll(): void {
    const stamp = this.stampOf();
    const path = this.path;
    if (path === undefined || stamp === this.stamp || this.reading !== undefined) return;
    this.stamp = stamp;
    this.reading = readTenantsAside(path, undefined, this.thresholdNames).then(async (loaded) => {
      const view = loaded.ok ? await viewInSteps(loaded.value) : undefined;
      this.reading = undefined;
      this.apply(loaded, view);
    });
  }

  /** Resolves when no reread is under way. */
  async settled(): Promise<void> {
    await this.reading;
  }

  private apply(loaded: ConfigResult<TenantsCatalog>, view: TenantsView | undefined): void {
    if (loaded.ok) {
      if (view !== undefined) this.view = view;
      this.error = undefined;
      this.onReload({ ok: true, tenants: loaded.value.tenants.length });
    } else {
      this.error = formatConfigErrors(loaded.errors.slice(0, 3));
      this.onReload({ ok: false, tenants: this.view.catalog.tenants.length, error: this.error });
    }
  }

  problems(): SelfProblem[] {
    return this.error === undefined || this.path === undefined
      ? []
      : [{ alert: 'LookoutConfigInvalid', labels: { file: this.path }, error: this.error }];
  }
}

/** A TenantsSource's `onReload` that logs each reload: the tenants in force, or why the last good catalog stays. */
export const logReloads =
  (log: Logger) =>
  (r: { ok: boolean; tenants: number; error?: string }): void => {
    if (r.ok) log.info({ tenants: r.tenants }, 'tenants catalog reloaded');
    else log.error({ error: r.error }, 'tenants catalog invalid: the last good one stays in force');
  };
