import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { connectInflux } from '../../collector/src/sink/influx.ts';
import { runCollector } from '../../collector/src/main.ts';
import { labCollectorConfig } from '../../lab/src/collector-config.ts';
import { currentLab, deleteProbeTopic, uniqueName } from '../lab/lab.ts';

describe('the collector service on the lab', () => {
  const spoolDir = mkdtempSync(join(tmpdir(), 'lookout-service-test-'));
  afterAll(async () => {
    rmSync(spoolDir, { recursive: true, force: true });
    await deleteProbeTopic();
  });

  it('runs scheduled cycles into InfluxDB and serves /healthz and /metrics', async () => {
    const lab = currentLab();
    const database = uniqueName('svc').replaceAll('-', '_');
    const base = labCollectorConfig(lab, database, 2_000);
    const config = { ...base, spool: { ...base.spool, dir: spoolDir }, listen: '127.0.0.1:0' };
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const stop = new AbortController();
    const running = runCollector(config, {}, log, stop.signal);
    await new Promise((r) => setTimeout(r, 7_000));
    const listen = (
      JSON.parse(lines.find((l) => l.includes('collector running')) ?? '{}') as { listen?: string }
    ).listen;
    const health = await fetch(`http://${listen}/healthz`);
    expect(health.status).toBe(200);
    const metrics = await (await fetch(`http://${listen}/metrics`)).text();
    expect(Number(/^lookout_collector_cycles_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(2);
    expect(metrics).toMatch(
      /^lookout_collector_target_up\{cluster="lab",target="admin [^"]+",source="admin"\} 1$/m,
    );
    expect((await fetch(`http://${listen}/nope`)).status).toBe(404);
    stop.abort();
    await running;

    const influx = await connectInflux({ url: lab.influx.url, database });
    const rows = await influx.query<{ n: number }>(
      `SELECT count("up") AS n FROM "scrape" WHERE time > now() - 1m AND time <= now() GROUP BY time(2s) fill(none)`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(2);
    // Every 2 s: the cycle's 11 targets (the host's node_exporter among them) and the liveness source (its
    // own 2 s schedule, here the cycle's too).
    expect(rows.every((r) => r.n === 12)).toBe(true);
    expect((await influx.showRetentionPolicies(database)).find((p) => p.default)?.name).toBe('raw');
    await influx.dropDatabase(database);
  }, 30_000);
});
