import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dashboards, staleDashboards, writeDashboards } from '../src/build.ts';
import { metric } from '../src/influxql.ts';
import type { InfluxDataquery } from '../src/influxql.ts';

describe('dashboards as code', () => {
  it('the committed dashboards/out/ is what the code builds (CI fails when it is stale)', () => {
    expect(staleDashboards()).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'lookout-dash-'));
    try {
      const [file] = writeDashboards(dir);
      expect(staleDashboards(dir)).toEqual([]);
      expect(readFileSync(file ?? '', 'utf8')).toContain('"uid": "lookout-cluster"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every query is bounded by $timeFilter and reads the one datasource', () => {
    for (const d of dashboards())
      for (const p of d.panels ?? [])
        for (const t of ('targets' in p ? (p.targets ?? []) : []) as unknown as InfluxDataquery[]) {
          expect(t.query).toContain('$timeFilter');
          expect(t.datasource.uid).toBe('lookout-influxdb');
        }
  });

  it('builds InfluxQL from the catalog and refuses unknown tags', () => {
    expect(
      metric('broker', 'bytes_in_total')
        .select('non_negative_derivative')
        .whereVariable('cluster', 'cluster')
        .groupBy('broker')
        .text(),
    ).toBe(
      'SELECT non_negative_derivative(last("bytes_in_total"), 1s) AS "value" FROM "broker" WHERE "cluster" =~ /^$cluster$/ AND $timeFilter GROUP BY time($__interval), "broker" fill(none)',
    );
    expect(metric('cluster', 'partitions').whole().text()).toBe(
      'SELECT last("partitions") AS "value" FROM "cluster" WHERE $timeFilter',
    );
    expect(() => metric('cluster', 'partitions').groupBy('broker')).toThrow('cluster has no tag broker');
  });

  it('colors disk panels at the rule pack’s thresholds, read from rules/', () => {
    const cluster = dashboards().find((d) => d.uid === 'lookout-cluster');
    const disk = cluster?.panels?.find((p) => 'title' in p && p.title === 'Disk used');
    expect(JSON.stringify(disk)).toContain('"value":0.85');
    expect(JSON.stringify(disk)).toContain('"value":0.95');
  });
});
