import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dashboards, staleDashboards, writeDashboards } from '../src/build.ts';
import { expandLikeGrafana, grafanaInterval } from '../src/grafana-expand.ts';
import { metric } from '../src/influxql.ts';
import { tagVariable } from '../src/panels.ts';
import { loadRules } from '../../rules/src/load.ts';
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

  it('every query (panels, variables, annotations) is bounded by $timeFilter and reads the datasource variable', () => {
    for (const d of dashboards()) {
      for (const p of d.panels ?? [])
        for (const t of ('targets' in p ? (p.targets ?? []) : []) as unknown as InfluxDataquery[]) {
          expect(t.query).toContain('$timeFilter');
          expect(t.datasource.uid).toBe('${datasource}');
        }
      const [first, ...variables] = d.templating?.list ?? [];
      expect(first).toMatchObject({ type: 'datasource', name: 'datasource', query: 'influxdb' });
      for (const v of variables) {
        expect(v.query, `${d.uid} variable ${v.name}`).toContain('$timeFilter');
        expect(v.datasource?.uid).toBe('${datasource}');
      }
      for (const a of d.annotations?.list ?? []) {
        expect((a.target as InfluxDataquery | undefined)?.query, `${d.uid} annotation`).toContain(
          '$timeFilter',
        );
        expect(a.datasource?.uid).toBe('${datasource}');
      }
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
    expect(
      metric('partition_offsets', 'messages_per_s')
        .select('mean')
        .whereVariable('tenant', 'tenant')
        .groupBy('topic', 'partition')
        .across('sum', 'topic')
        .text(),
    ).toBe(
      'SELECT sum("value") AS "value" FROM (SELECT mean("messages_per_s") AS "value" FROM "partition_offsets" WHERE "tenant" =~ /^$tenant$/ AND $timeFilter GROUP BY time($__interval), "topic", "partition" fill(none)) WHERE $timeFilter GROUP BY time($__interval), "topic" fill(none)',
    );
    expect(metric('topic_volume', 'messages').policy('volume').select('sum').every('1d').text()).toBe(
      'SELECT sum("messages") AS "value" FROM "volume"."topic_volume" WHERE $timeFilter GROUP BY time(1d) fill(none)',
    );
    expect(metric('alert_event', 'text').raw().columns('alertname').text()).toBe(
      'SELECT "text" AS "text", "alertname" AS "alertname" FROM "alert_event" WHERE $timeFilter ORDER BY time DESC LIMIT 1000',
    );
    expect(() => metric('topic', 'partitions').columns('nope')).toThrow('topic has no field or tag nope');
    expect(() => metric('topic', 'partitions').every('1 day')).toThrow('not an InfluxQL interval');
    expect(() => tagVariable('group', 'Group', 'topic')).toThrow('variable group: topic has no tag group');
  });

  it('expands a query as Grafana sends it: range, interval, variables regex-escaped', () => {
    expect(
      expandLikeGrafana(
        'SELECT 1 FROM "m" WHERE "topic" =~ /^$topic$/ AND $timeFilter GROUP BY time($__interval)',
        { topic: 'a.b/c' },
        'now-7d',
        15,
      ),
    ).toBe('SELECT 1 FROM "m" WHERE "topic" =~ /^a\\.b\\/c$/ AND time >= now() - 7d GROUP BY time(605s)');
    expect(grafanaInterval('now-1h', 15)).toBe(15);
    // Several values as Grafana's InfluxDB datasource joins them; "All" as the variables' allValue.
    const q = 'WHERE "group" =~ /^$group$/ AND "tenant" =~ /^$tenant$/';
    expect(expandLikeGrafana(q, { group: ['a.b', 'c'], tenant: ['$__all'] }, 'now-1h', 15)).toBe(
      'WHERE "group" =~ /^(a\\.b|c)$/ AND "tenant" =~ /^.*$/',
    );
    expect(expandLikeGrafana(q, { group: ['only'], tenant: '$__all' }, 'now-1h', 15)).toBe(
      'WHERE "group" =~ /^(only)$/ AND "tenant" =~ /^.*$/',
    );
  });

  it('every dashboard link of the rule pack opens a dashboard that exists, with variables it has', () => {
    const loaded = loadRules([join(import.meta.dirname, '..', '..', 'rules', 'kafka')]);
    const byUid = new Map(dashboards().map((d) => [d.uid, d]));
    const links = loaded.rules.flatMap((r) =>
      r.annotations.dashboard === undefined ? [] : [r.annotations.dashboard],
    );
    expect(links.length).toBeGreaterThan(20);
    for (const link of links) {
      const url = new URL(link, 'http://grafana');
      const uid = /^\/d\/([^/]+)/.exec(url.pathname)?.[1];
      const d = byUid.get(uid);
      expect(d, link).toBeDefined();
      const names = (d?.templating?.list ?? []).map((v) => `var-${v.name}`);
      for (const key of url.searchParams.keys()) expect(names, link).toContain(key);
    }
  });

  it('shows the alerter’s alert events as annotations on every dashboard', () => {
    for (const d of dashboards())
      expect(JSON.stringify(d.annotations), d.uid).toContain('FROM \\"alert_event\\"');
  });

  it('colors disk panels at the rule pack’s thresholds, read from rules/', () => {
    const cluster = dashboards().find((d) => d.uid === 'lookout-cluster');
    const disk = cluster?.panels?.find((p) => 'title' in p && p.title === 'Disk used');
    expect(JSON.stringify(disk)).toContain('"value":0.85');
    expect(JSON.stringify(disk)).toContain('"value":0.95');
  });
});
