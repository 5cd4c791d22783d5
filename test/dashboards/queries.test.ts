import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startAlerter } from '../../alerter/src/main.ts';
import { createProducer } from '../../collector/src/kafka/client.ts';
import { runCollector } from '../../collector/src/main.ts';
import { planRetention } from '../../collector/src/sink/retention.ts';
import { dashboards } from '../../dashboards/src/build.ts';
import { expandLikeGrafana } from '../../dashboards/src/grafana-expand.ts';
import type { VariableValue } from '../../dashboards/src/grafana-expand.ts';
import { labAlerterSetup } from '../../lab/src/alerter-config.ts';
import { labCollectorConfig } from '../../lab/src/collector-config.ts';
import { loadRules } from '../../rules/src/load.ts';
import { currentLab, labKafka, uniqueName, sleep } from '../lab/lab.ts';

// Every query of every dashboard, run on the lab's InfluxDB after the collector ran and an alert fired:
// variables substituted and Grafana's macros expanded as Grafana does, as each dashboard opens (multi-value
// variables on "All") and with several values chosen; each must return rows, and plausible ones.

interface Target {
  refId: string;
  query: string;
}
interface Panel {
  title?: string;
  targets?: Target[];
}

interface InfluxSeries {
  tags?: Record<string, string>;
  values: unknown[][];
}

/** Panels drawn per broker: on the lab, one series for each of its brokers. */
const perBroker = new Set([
  'lookout-cluster/Bytes in / out per second',
  'lookout-cluster/Produce request time p99',
  'lookout-cluster/Disk used',
  'lookout-probe/Availability (acked / sent) per broker',
  'lookout-probe/End-to-end latency p99 per broker',
]);

async function influxQuery(
  url: string,
  db: string,
  q: string,
): Promise<{ series?: InfluxSeries[]; error?: string }> {
  const res = await fetch(`${url}/query?db=${encodeURIComponent(db)}&q=${encodeURIComponent(q)}`);
  const body = (await res.json()) as {
    results?: { series?: InfluxSeries[]; error?: string }[];
    error?: string;
  };
  return body.results?.[0] ?? { error: body.error ?? `HTTP ${res.status}` };
}

/** Every query a dashboard runs: panel targets, variable queries and annotation queries. */
function queriesOf(d: Dashboard): { what: string; query: string; variable?: string }[] {
  return [
    // The datasource variable's query is a plugin type (influxdb), not InfluxQL.
    ...(d.templating?.list ?? []).flatMap((v) =>
      String(v.type) === 'query' && typeof v.query === 'string'
        ? [{ what: `variable ${v.name}`, query: v.query, variable: v.name }]
        : [],
    ),
    ...(d.annotations?.list ?? []).flatMap((a) => {
      const q = (a.target as { query?: unknown } | undefined)?.query;
      return typeof q === 'string' ? [{ what: `annotation ${a.name}`, query: q }] : [];
    }),
    ...((d.panels ?? []) as Panel[]).flatMap((p) =>
      (p.targets ?? []).map((t) => ({ what: `${p.title ?? ''} / ${t.refId}`, query: t.query })),
    ),
  ];
}

describe('dashboard queries on lab data', () => {
  it(
    'every panel, variable and annotation query of every dashboard returns rows',
    { timeout: 180_000 },
    async () => {
      const lab = currentLab();
      const database = uniqueName('dash').replaceAll('-', '_');
      const dir = mkdtempSync(join(tmpdir(), 'lookout-dash-'));
      // A tenant with a topic and a consumer group behind on it: lag, ownership and volume to show.
      const topic = uniqueName('dash-orders');
      const group = uniqueName('dash-billing');
      const tenantsFile = join(dir, 'tenants.yaml');
      writeFileSync(
        tenantsFile,
        stringify({
          tenants: [{ name: 'dash', contacts: ['dash@lab.invalid'], topics: [topic], groups: [group] }],
        }),
      );
      const admin = labKafka('dash-test').admin();
      await admin.connect();
      await admin.createTopics({
        topics: [{ topic, numPartitions: 3, replicationFactor: 3 }],
        waitForLeaders: true,
      });
      const producer = createProducer(labKafka('dash-producer'));
      await producer.connect();
      // 30 records of 16 KiB every 5 s: rates to show, and log dirs that grow (the disk's time to full).
      const padding = 'x'.repeat(16 * 1024);
      const produce = () =>
        producer.send({
          topic,
          acks: -1,
          messages: Array.from({ length: 30 }, (_, i) => ({ value: `${i} ${padding}` })),
        });
      await produce();
      await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '1' }] });

      // A rule that fires as soon as the group is seen behind: the alerter writes its transition as an event.
      const rulesDir = join(dir, 'rules');
      mkdirSync(rulesDir);
      writeFileSync(
        join(rulesDir, 'dash.yaml'),
        stringify({
          rules: [
            {
              alert: 'DashboardTestLag',
              severity: 'ticket',
              audience: ['tenant'],
              metric: 'consumer_group.lag_messages_sum',
              window: '1m',
              reduce: 'last',
              by: ['cluster', 'group', 'tenant'],
              op: '>',
              threshold: 0,
              annotations: {
                summary: 'Group {{labels.group}} is behind',
                description: 'A test alert: the group has unread messages.',
                runbook: 'docs/runbooks.md#consumerlaghigh',
              },
            },
          ],
        }),
      );
      const loaded = loadRules([rulesDir]);
      expect(loaded.errors).toEqual([]);
      const base = labAlerterSetup(lab, {
        database,
        intervalMs: 2_000,
        listen: '127.0.0.1:0',
        statePath: join(dir, 'alerts.db'),
        tenantsFile,
      });
      const setup = { ...base, rules: [...base.rules, ...loaded.rules] };

      const config = { ...labCollectorConfig(lab, database, 5_000), tenants: tenantsFile };
      // The collector's own probe topic for this test (single-replica: deleted afterwards, so a later drill that
      // kills a broker finds no leaderless partition).
      const probeTopic = uniqueName('dash-probe');
      const clusters = config.clusters.map((c) => ({ ...c, probe: { ...c.probe, topic: probeTopic } }));
      const stop = new AbortController();
      const log = pino({ level: 'silent' });
      // Cycles 5 s apart: rates need two points, the probe a window.
      const running = runCollector({ ...config, clusters }, process.env, log, stop.signal);
      const alerter = await startAlerter(setup, log);
      // 50 s of data (rates over 22 s buckets, as Grafana asks for 6 hours, need a few), and the alert fired.
      const started = Date.now();
      const fired = () =>
        alerter.engine.alerts().some((a) => a.rule === 'DashboardTestLag' && a.phase === 'firing');
      while (Date.now() - started < 50_000 || (!fired() && Date.now() - started < 90_000)) {
        await sleep(5_000);
        await produce();
      }
      expect(fired()).toBe(true);
      await alerter.stop();
      stop.abort();
      await running;
      await producer.disconnect();
      await admin.deleteTopics({ topics: [probeTopic, topic] }).catch(() => undefined);
      await admin.deleteGroups([group]).catch(() => undefined);
      await admin.disconnect();
      rmSync(dir, { recursive: true, force: true });

      // The daily volume rollup, as its continuous query computes it every hour.
      const day = Math.floor(Date.now() / 86_400_000) * 86_400_000;
      for (const q of planRetention(database, config.influx.retention).queries)
        if (q.name.startsWith('lookout_topic_volume')) {
          const r = await influxQuery(
            lab.influx.url,
            database,
            q.select.replace(' GROUP BY', ` WHERE time >= ${day}ms GROUP BY`),
          );
          expect(r.error, q.name).toBeUndefined();
        }

      const chosen: Record<string, string> = { cluster: 'lab', broker: '1', tenant: 'dash', group, topic };
      const brokers = lab.brokers.map((b) => String(b.id)).sort();
      const checked: string[] = [];
      let variables = 0;
      for (const d of dashboards()) {
        const multi = new Set((d.templating?.list ?? []).filter((v) => v.multi === true).map((v) => v.name));
        // As the dashboard opens (multi-value variables on "All", the others on a chosen value), and with two
        // values chosen in each multi-value variable, one of them matching nothing.
        const states: { name: string; vars: Record<string, VariableValue> }[] = [
          {
            name: 'as opened',
            vars: Object.fromEntries(
              Object.entries(chosen).map(([k, v]) => [k, multi.has(k) ? '$__all' : v]),
            ),
          },
          {
            name: 'two values chosen',
            vars: Object.fromEntries(
              Object.entries(chosen).map(([k, v]) => [k, multi.has(k) ? [v, 'no-such-value'] : v]),
            ),
          },
        ];
        for (const { what, query, variable } of queriesOf(d)) {
          expect(query, `${d.uid} / ${what}`).toContain('$timeFilter'); // bounded in time
          for (const state of states) {
            const where = `${d.uid} / ${what} (${state.name})`;
            const q = expandLikeGrafana(query, state.vars, d.time?.from ?? 'now-6h', 5);
            const r = await influxQuery(lab.influx.url, database, q);
            expect(r.error, `${where}: ${q}`).toBeUndefined();
            if (variable !== undefined) {
              // A variable's values hold the value the test chose.
              expect(JSON.stringify(r.series ?? []), where).toContain(JSON.stringify(chosen[variable]));
              continue;
            }
            const rows = (r.series ?? []).reduce((n, x) => n + x.values.length, 0);
            expect(rows, `${where} returned no rows: ${q}`).toBeGreaterThan(0);
            const tagged = (tag: string) =>
              [
                ...new Set(
                  (r.series ?? []).flatMap((x) => (x.tags?.[tag] === undefined ? [] : [x.tags[tag]])),
                ),
              ].sort();
            // Plausible series: per-broker panels have one series per broker of the lab, no other; a multi-value
            // variable's panels hold only what it selects, and "All" holds the test's own.
            const seen = tagged('broker');
            expect(
              seen.every((b) => brokers.includes(b)),
              `${where}: brokers ${seen.join(',')}`,
            ).toBe(true);
            if (
              state.name === 'as opened' &&
              perBroker.has(`${d.uid}/${what.slice(0, what.lastIndexOf(' / '))}`)
            )
              expect(seen, where).toEqual(brokers);
            for (const v of ['broker', 'group', 'topic', 'tenant'] as const) {
              const values = tagged(v);
              if (values.length === 0 || !multi.has(v)) continue;
              if (state.name === 'as opened') expect(values, where).toContain(chosen[v]);
              else expect(values, where).toEqual([chosen[v]]);
            }
          }
          if (variable !== undefined) variables += 1;
          else checked.push(`${d.uid}/${what}`);
        }
      }
      console.log(`${checked.length} dashboard queries returned rows on lab data`);
      expect(checked.length).toBeGreaterThan(40);
      expect(checked.length + variables).toBe(dashboards().reduce((n, d) => n + queriesOf(d).length, 0));
    },
  );
});
