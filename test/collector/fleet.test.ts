import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectInflux } from '../../collector/src/sink/influx.ts';
import { agentUrls } from '../../lab/src/agents.ts';
import { stopLab } from '../../lab/src/control.ts';
import { bootstrapOf, labClusters, readState } from '../../lab/src/state.ts';
import type { LabState } from '../../lab/src/state.ts';
import { startLab } from '../../lab/src/up.ts';
import { sleep, until } from '../lab/lab.ts';

// A collector fleet on a lab of two clusters (`lookout lab up --clusters 2`, a broker each): three collectors with
// the same config (each its own spool and port, as on three machines) share the 8 work units through a consumer
// group on cluster a. The shipped defaults but for: a 10 s interval and the group's 6 s session timeout (Kafka's
// least), so the takeover fits in one interval; one broker per cluster, to keep the lab small.
const intervalS = 10;

interface Member {
  name: string;
  child: ChildProcess;
  lines: string[];
  listen?: string;
}

interface Health {
  fleet?: { member: string; generation?: number; units: string[]; total: number };
}

describe('a collector fleet coordinated by Kafka, over two real clusters', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-fleet-lab-'));
  let lab: LabState;
  const members: Member[] = [];

  beforeAll(async () => {
    lab = await startLab({
      dir,
      brokers: 1,
      clusters: 2,
      say: (line) => console.error(`[fleet lab] ${line}`),
    });
  }, 120_000);

  afterAll(async () => {
    for (const m of members) if (m.child.exitCode === null) m.child.kill('SIGKILL');
    await stopLab(readState(dir) ?? lab, () => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  /** The config every member runs, but for its spool folder (a machine's own disk). */
  function configFor(name: string): string {
    const clusters = labClusters(lab).map((c) =>
      [
        `  - name: ${c.name}`,
        `    bootstrap: [${c.brokers.map((b) => `'127.0.0.1:${b.port}'`).join(', ')}]`,
        '    brokers:',
        ...c.brokers.map(
          (b) =>
            `      - { id: ${b.id}, host: 127.0.0.1, jmx_url: '${agentUrls(lab, b).jmx}', jolokia_url: '${agentUrls(lab, b).jolokia}', node_exporter_url: '${lab.nodeExporter?.url ?? ''}' }`,
        ),
      ].join('\n'),
    );
    const text = [
      `influx: { url: '${lab.influx.url}', database: fleet }`,
      `spool: { dir: '${join(dir, `spool-${name}`)}' }`,
      `schedule: { interval: ${intervalS}s, timeout: 8s }`,
      "listen: '127.0.0.1:0'",
      `coordination: { bootstrap: [${bootstrapOf(lab, 'a')
        .map((b) => `'${b}'`)
        .join(', ')}], session_timeout: 6s, member: ${name} }`,
      'clusters:',
      ...clusters,
      '',
    ].join('\n');
    const file = join(dir, `collector-${name}.yaml`);
    writeFileSync(file, text);
    return file;
  }

  function start(name: string): Member {
    const child = spawn('node', ['bin/lookout.mjs', 'collect', '--config', configFor(name)], {
      env: { ...process.env, LOG_LEVEL: 'debug' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const member: Member = { name, child, lines: [] };
    let rest = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = rest + chunk.toString('utf8');
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        member.lines.push(line);
        const listen = /"listen":"([^"]+)"/.exec(line)?.[1];
        if (listen !== undefined && line.includes('collector running')) member.listen = listen;
      }
    });
    members.push(member);
    return member;
  }

  async function health(m: Member): Promise<Health | undefined> {
    if (m.listen === undefined || m.child.exitCode !== null || m.child.signalCode !== null) return undefined;
    try {
      return (await (await fetch(`http://${m.listen}/healthz`)).json()) as Health;
    } catch {
      return undefined;
    }
  }

  /** Waits until the live members hold every unit between them, each unit once, every member some. */
  async function sharedOut(live: Member[], what: string, ms: number): Promise<Map<string, string[]>> {
    return until(
      what,
      ms,
      async () => {
        const states = await Promise.all(live.map(health));
        if (states.some((s) => s?.fleet === undefined || s.fleet.units.length === 0)) return undefined;
        const held = states.flatMap((s) => s?.fleet?.units ?? []);
        const total = states[0]?.fleet?.total ?? 0;
        if (held.length !== total || new Set(held).size !== total) return undefined;
        return new Map(live.map((m, i) => [m.name, states[i]?.fleet?.units ?? []]));
      },
      250,
    );
  }

  it('shares the units out, takes a SIGKILLed member’s units over within the session timeout plus one interval, and never collects a unit twice', async () => {
    const [one, two] = [start('c1'), start('c2')];
    const pair = await sharedOut([one, two], 'two members to share the units', 60_000);
    expect([...pair.values()].flat()).toHaveLength(8);
    // A third member: the group rebalances, and it takes its share.
    const three = start('c3');
    const trio = await sharedOut([one, two, three], 'three members to share the units', 60_000);
    const counts = [...trio.values()].map((u) => u.length).sort();
    expect(counts).toEqual([2, 3, 3]);
    console.log(`[fleet] three members: ${[...trio].map(([m, u]) => `${m} ${u.join(', ')}`).join('; ')}`);
    // Past the join's own rebalance before the window the points are counted in.
    await sleep(3 * intervalS * 1_000);

    // SIGKILL the member holding cluster a's Kafka sources.
    const victim = [one, two, three].find((m) => trio.get(m.name)?.includes('cluster a')) ?? one;
    const survivors = [one, two, three].filter((m) => m !== victim);
    const killedAt = Date.now();
    victim.child.kill('SIGKILL');
    const after = await sharedOut(survivors, 'the survivors to take the units over', 30_000);
    const takeoverMs = Date.now() - killedAt;
    console.log(
      `[fleet] ${victim.name} (${trio.get(victim.name)?.join(', ')}) SIGKILLed; its units held by the others ${(takeoverMs / 1_000).toFixed(1)} s later: ${[...after].map(([m, u]) => `${m} ${u.join(', ')}`).join('; ')}`,
    );
    expect(takeoverMs).toBeLessThan(6_000 + intervalS * 1_000);
    // The generation shows once a heartbeat after the join has carried it: both survivors, the same one.
    const generations = await until(
      'the survivors to show one generation',
      10_000,
      async () => {
        const seen = (await Promise.all(survivors.map(health))).map((h) => h?.fleet?.generation);
        return seen.every((g) => g !== undefined && g === seen[0]) ? seen : undefined;
      },
      250,
    );
    expect(generations[0]).toBeGreaterThan(0);
    await sleep(2 * intervalS * 1_000);
    for (const m of survivors) m.child.kill('SIGTERM');
    await Promise.all(survivors.map((m) => new Promise((done) => m.child.once('exit', done))));

    // No unit collected twice in one interval, by the members' own records of what they scraped.
    const scraped = new Map<string, string[]>();
    for (const m of members)
      for (const line of m.lines.filter((l) => l.includes('"msg":"scraped"'))) {
        const r = JSON.parse(line) as { cluster: string; target: string; source: string; at: number };
        // Its interval: liveness runs on its own 2 s schedule, the rest on the collector's.
        const every = r.source === 'liveness' ? 2_000 : intervalS * 1_000;
        const key = `${r.cluster}|${r.source}|${r.target}|${Math.floor(r.at / every)}`;
        scraped.set(key, [...(scraped.get(key) ?? []), m.name]);
      }
    const twice = [...scraped].filter(([, by]) => by.length > 1);
    expect(scraped.size).toBeGreaterThan(100);
    expect(twice).toEqual([]);

    // Every unit has a point in every interval, but at most one interval per unit around the takeover.
    const influx = await connectInflux({ url: lab.influx.url, database: 'fleet' });
    const from = Math.ceil((killedAt - 2 * intervalS * 1_000) / (intervalS * 1_000)) * intervalS;
    const to = Math.floor((killedAt + takeoverMs + 2 * intervalS * 1_000) / (intervalS * 1_000)) * intervalS;
    const rows = await influx.query<{
      time: unknown;
      cluster: string;
      target: string;
      source: string;
      n: number;
    }>(
      `SELECT count("up") AS n FROM "scrape" WHERE "source" != 'liveness' AND time >= ${from}s AND time < ${to}s GROUP BY time(${intervalS}s), "cluster", "target", "source" fill(0)`,
    );
    const gaps = new Map<string, number>();
    for (const r of rows) {
      const unit = `${r.cluster}|${r.source}|${r.target}`;
      expect(r.n, unit).toBeLessThanOrEqual(1);
      if (r.n === 0) gaps.set(unit, (gaps.get(unit) ?? 0) + 1);
    }
    const series = new Set(rows.map((r) => `${r.cluster}|${r.source}|${r.target}`));
    expect(series.size).toBe(14); // per cluster admin, disk, lag, probe, JMX, Jolokia, host
    console.log(
      `[fleet] intervals missed around the takeover: ${[...gaps].map(([u, n]) => `${u} ${n}`).join('; ') || 'none'}`,
    );
    for (const [unit, missed] of gaps) expect(missed, unit).toBeLessThanOrEqual(1);
    await influx.dropDatabase('fleet');
  }, 240_000);
});
