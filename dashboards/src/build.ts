import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
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

/** An object without some of its fields. */
function without<T extends object>(o: T, keys: readonly string[]): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k))) as Partial<T>;
}

/** The oldest Grafana the dashboards are for, and the schema version it writes (10.4: 39; 11.6 migrates it up). */
const grafanaFrom = { version: '10.0.0', schemaVersion: 39 };

/**
 * A dashboard as Grafana 10 and 11 import it: Grafana's export format (`__inputs`: the InfluxDB datasource to
 * choose on import; `__requires`), the schema version they read, and no field newer than Grafana 11.6's schema
 * (the SDK writes an annotation's `placement`, from Grafana 12).
 */
function forGrafana10And11(d: dashboard.Dashboard): Record<string, unknown> {
  const panelTypes = [...new Set((d.panels ?? []).map((p) => p.type))].sort();
  return {
    __inputs: [
      {
        name: 'DS_INFLUXDB',
        label: 'InfluxDB',
        description: 'The InfluxDB (InfluxQL) database Lookout’s collector writes',
        type: 'datasource',
        pluginId: 'influxdb',
        pluginName: 'InfluxDB',
      },
    ],
    __requires: [
      { type: 'grafana', id: 'grafana', name: 'Grafana', version: grafanaFrom.version },
      { type: 'datasource', id: 'influxdb', name: 'InfluxDB', version: '1.0.0' },
      ...panelTypes.map((id) => ({ type: 'panel', id, name: id, version: '' })),
    ],
    ...d,
    schemaVersion: grafanaFrom.schemaVersion,
    // The SDK gives every variable an interval variable's `auto*` fields.
    ...(d.templating === undefined
      ? {}
      : {
          templating: {
            list: (d.templating.list ?? []).map((v) =>
              v.type === dashboard.VariableType.Interval ? v : without(v, ['auto', 'auto_min', 'auto_count']),
            ),
          },
        }),
    ...(d.annotations === undefined
      ? {}
      : {
          annotations: {
            ...d.annotations,
            list: (d.annotations.list ?? []).map((a) => without(a, ['placement'])),
          },
        }),
  };
}

/** A dashboard's JSON as written to `out/` (stable: two builds give the same bytes). */
export function dashboardJson(d: dashboard.Dashboard): string {
  return `${JSON.stringify(forGrafana10And11(d), null, 2)}\n`;
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
