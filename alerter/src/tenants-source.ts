import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { formatConfigErrors } from '../../model/src/config-file.ts';
import { loadTenantsFile, thresholdLookup } from '../../model/src/tenants.ts';
import type { TenantsCatalog } from '../../model/src/tenants.ts';
import type { Labels } from '../../model/src/labels.ts';
import type { SelfProblem } from './engine/self-alerts.ts';
import { Ownership } from './route/ownership.ts';

/** The catalog in force and what is derived from it, swapped as a whole on reload. */
export interface TenantsView {
  catalog: TenantsCatalog;
  ownership: Ownership;
  threshold: (labels: Labels, name: string) => number | undefined;
  /** SHA-256 of a tenant API token → tenant. */
  tokens: ReadonlyMap<string, string>;
}

function viewOf(catalog: TenantsCatalog): TenantsView {
  const tokens = new Map<string, string>();
  for (const t of catalog.tenants)
    if (t.api_token_sha256 !== undefined) tokens.set(t.api_token_sha256, t.name);
  return { catalog, ownership: new Ownership(catalog), threshold: thresholdLookup(catalog), tokens };
}

/** SHA-256 (hex) of a token, as tenants.yaml holds it. */
export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * The tenants catalog, hot-reloaded: `poll()` rereads the file when its size or mtime changed; a valid file
 * replaces the catalog in one step, an invalid one keeps the last good one and is reported as a problem
 * (LookoutConfigInvalid) until fixed.
 */
export class TenantsSource {
  private view: TenantsView;
  private stamp: string | undefined;
  private error: string | undefined;

  constructor(
    private readonly path: string | undefined,
    initial: TenantsCatalog | undefined,
    private readonly onReload: (outcome: { ok: boolean; tenants: number; error?: string }) => void = () =>
      undefined,
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

  /** Rereads the file if it changed. */
  poll(): void {
    const stamp = this.stampOf();
    if (this.path === undefined || stamp === this.stamp) return;
    this.stamp = stamp;
    const loaded = loadTenantsFile(this.path);
    if (loaded.ok) {
      this.view = viewOf(loaded.value);
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
