import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { brokerDetail } from './broker.ts';
import { clusterOverview } from './cluster.ts';
import { consumersDashboard } from './consumers.ts';
import { probeDashboard } from './probe.ts';
import { tenantDashboard } from './tenant.ts';
import { topicsDashboard } from './topics.ts';

/** Every dashboard Lookout ships. */
export function dashboards(): dashboard.Dashboard[] {
  return [
    clusterOverview(),
    brokerDetail(),
    topicsDashboard(),
    consumersDashboard(),
    tenantDashboard(),
    probeDashboard(),
  ].map((d) => d.build());
}

/** The committed output folder. */
export const outDir = join(import.meta.dirname, '..', 'out');

/** A dashboard's JSON as written to `out/` (stable: two builds give the same bytes). */
export function dashboardJson(d: dashboard.Dashboard): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}

/** Writes every dashboard to `dir` as `UID.json`; the files written. */
export function writeDashboards(dir: string = outDir): string[] {
  mkdirSync(dir, { recursive: true });
  return dashboards().map((d) => {
    const file = join(dir, `${d.uid ?? d.title}.json`);
    writeFileSync(file, dashboardJson(d));
    return file;
  });
}

/** The dashboards whose committed JSON differs from what the code builds (stale output). */
export function staleDashboards(dir: string = outDir): string[] {
  return dashboards()
    .filter((d) => {
      try {
        return readFileSync(join(dir, `${d.uid ?? d.title}.json`), 'utf8') !== dashboardJson(d);
      } catch {
        return true;
      }
    })
    .map((d) => d.uid ?? d.title ?? 'dashboard');
}
