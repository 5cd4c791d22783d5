import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { runCollector } from '../../collector/src/main.ts';
import { dashboards } from '../../dashboards/src/build.ts';
import { labCollectorConfig } from '../../lab/src/collector-config.ts';
import { currentLab, labKafka, uniqueName } from '../lab/lab.ts';

// Every panel's query of every dashboard, run on the lab's InfluxDB after the collector ran: variables
// substituted and Grafana's macros expanded as Grafana does; each must return rows.
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

interface Target {
  refId: string;
  query: string;
}
interface Panel {
  title?: string;
  targets?: Target[];
}

/** Grafana's expansion: `$timeFilter`, `$__interval`, template variables (regex-escaped in /…/). */
function expand(query: string, vars: Record<string, string>): string {
  let q = query.replaceAll('$timeFilter', 'time > now() - 15m').replaceAll('$__interval', '5s');
  for (const [name, value] of Object.entries(vars))
    q = q.replaceAll(`$${name}`, value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  return q;
}

async function influxQuery(
  url: string,
  db: string,
  q: string,
): Promise<{ series?: { values: unknown[][] }[]; error?: string }> {
  const res = await fetch(`${url}/query?db=${encodeURIComponent(db)}&q=${encodeURIComponent(q)}`);
  const body = (await res.json()) as {
    results?: { series?: { values: unknown[][] }[]; error?: string }[];
    error?: string;
  };
  return body.results?.[0] ?? { error: body.error ?? `HTTP ${res.status}` };
}

describe('dashboard queries on lab data', () => {
  it(
    'every panel query (and variable query) of every dashboard returns rows',
    { timeout: 120_000 },
    async () => {
      const lab = currentLab();
      const database = uniqueName('dash').replaceAll('-', '_');
      const config = labCollectorConfig(lab, database, 5_000);
      // The collector's own probe topic for this test (single-replica: deleted afterwards, so a later drill that
      // kills a broker finds no leaderless partition).
      const probeTopic = uniqueName('dash-probe');
      const clusters = config.clusters.map((c) => ({ ...c, probe: { ...c.probe, topic: probeTopic } }));
      const stop = new AbortController();
      // Cycles 5 s apart for 18 s: rates need two points, the probe a window.
      const running = runCollector(
        { ...config, clusters },
        process.env,
        pino({ level: 'silent' }),
        stop.signal,
      );
      await sleep(18_000);
      stop.abort();
      await running;
      const admin = labKafka('dash-cleanup').admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [probeTopic] }).catch(() => undefined);
      await admin.disconnect();

      const vars = { cluster: 'lab', broker: '1' };
      const checked: string[] = [];
      for (const d of dashboards()) {
        for (const v of d.templating?.list ?? []) {
          if (typeof v.query !== 'string') continue;
          const r = await influxQuery(lab.influx.url, database, expand(v.query, vars));
          expect(r.error, `${d.uid} variable ${v.name}: ${v.query}`).toBeUndefined();
          expect(JSON.stringify(r.series ?? []), `${d.uid} variable ${v.name}`).toContain(
            JSON.stringify(vars[v.name as keyof typeof vars]),
          );
        }
        for (const p of (d.panels ?? []) as Panel[]) {
          for (const t of p.targets ?? []) {
            const q = expand(t.query, vars);
            expect(t.query).toContain('$timeFilter'); // bounded in time
            const r = await influxQuery(lab.influx.url, database, q);
            expect(r.error, `${d.uid} / ${p.title ?? ''} / ${t.refId}: ${q}`).toBeUndefined();
            const rows = (r.series ?? []).reduce((n, s) => n + s.values.length, 0);
            expect(rows, `${d.uid} / ${p.title ?? ''} / ${t.refId} returned no rows: ${q}`).toBeGreaterThan(
              0,
            );
            checked.push(`${d.uid}/${p.title ?? ''}/${t.refId}`);
          }
        }
      }
      expect(checked.length).toBeGreaterThan(5);
    },
  );
});
