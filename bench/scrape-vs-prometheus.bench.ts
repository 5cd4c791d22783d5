import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePorts } from '../lab/src/ports.ts';
import { brokerExposition } from '../test/fixtures/broker-exposition.ts';
import { ratioAtMost, result } from './result.ts';
import type { BenchResult } from './result.ts';
import { startBenchInflux } from './influxd.ts';
import { promMetric } from './prometheus.ts';
import { connectInflux } from '../collector/src/sink/influx.ts';

const warmupS = 10;
const windowS = 30;

/** CPU ms (user + system) a process has used, from /proc. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks at 100 Hz
}

function rssBytes(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
}

async function firstLine(child: ChildProcess): Promise<string> {
  if (child.stdout === null) throw new Error('no stdout');
  const lines = createInterface({ input: child.stdout });
  return new Promise((ok) => lines.once('line', ok));
}

interface OursRun {
  cpuMs: number;
  scrapes: number;
  samples: number;
  written: number;
  rssBytes: number;
  /** The store's CPU over the same window, and its RSS at the end (0 without a store). */
  storeCpuMs: number;
  storeRssBytes: number;
}

/** Runs bench/scrape-loop.ts in its own process, optionally writing to an influxd whose CPU it reads. */
async function runOurs(
  targetUrl: string,
  store?: { url: string; database: string; pid: number },
): Promise<OursRun> {
  const child = spawn(process.execPath, [
    '--import',
    'tsx',
    new URL('./scrape-loop.ts', import.meta.url).pathname,
    targetUrl,
    String(warmupS),
    String(windowS),
    '1',
    ...(store === undefined ? [] : [store.url, store.database]),
  ]);
  if (child.stdout === null) throw new Error('no stdout');
  const exited = once(child, 'exit');
  let cpu0 = 0;
  let out: string | undefined;
  for await (const line of createInterface({ input: child.stdout })) {
    if (line === 'window') cpu0 = store === undefined ? 0 : cpuMs(store.pid);
    else out = line;
  }
  const [code] = (await exited) as [number | null];
  if (code !== 0 || out === undefined) throw new Error(`scrape-loop exited ${String(code)}`);
  const storeCpuMs = store === undefined ? 0 : cpuMs(store.pid) - cpu0;
  const storeRssBytes = store === undefined ? 0 : rssBytes(store.pid);
  return { ...(JSON.parse(out) as Omit<OursRun, 'storeCpuMs' | 'storeRssBytes'>), storeCpuMs, storeRssBytes };
}

/**
 * The scrape path, side by side with Prometheus 2.42 (Debian) scraping the same static 4,000-partition
 * target every second in the same run: CPU per exposed sample, and RSS per series, storage included on both
 * sides. Ours fetches, parses, maps to the catalog, encodes and writes to an influxd through the collector's
 * sink (the influxd's CPU and RSS counted as ours); Prometheus fetches, parses and appends to its TSDB head.
 * Each runs alone for a warm-up and a measured window.
 */
export default async function bench(): Promise<BenchResult[]> {
  if (spawnSync('prometheus', ['--version']).status !== 0) {
    throw new Error("this benchmark runs Debian's Prometheus as the peer: apt-get install -y prometheus");
  }
  const dir = mkdtempSync(join(tmpdir(), 'lookout-bench-scrape-'));
  const text = brokerExposition(4_000);
  writeFileSync(join(dir, 'metrics.txt'), text);
  const target = spawn(process.execPath, [
    new URL('./static-target.mjs', import.meta.url).pathname,
    join(dir, 'metrics.txt'),
  ]);
  const children: ChildProcess[] = [target];
  try {
    const targetUrl = `http://127.0.0.1:${await firstLine(target)}/metrics`;

    // Prometheus.
    const [promPort] = await freePorts(1);
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global: { scrape_interval: 1s, scrape_timeout: 1s }\nscrape_configs:\n  - job_name: broker\n    static_configs: [{ targets: ['${new URL(targetUrl).host}'] }]\n`,
    );
    const prom = spawn('prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ]);
    children.push(prom);
    const promPid = prom.pid ?? 0;
    await new Promise((r) => setTimeout(r, warmupS * 1000));
    const [cpu0, appended0] = [
      cpuMs(promPid),
      await promMetric(promPort ?? 0, 'prometheus_tsdb_head_samples_appended_total'),
    ];
    await new Promise((r) => setTimeout(r, windowS * 1000));
    const promCpu = cpuMs(promPid) - cpu0;
    const promSamples =
      (await promMetric(promPort ?? 0, 'prometheus_tsdb_head_samples_appended_total')) - appended0;
    const promSeries = await promMetric(promPort ?? 0, 'prometheus_tsdb_head_series');
    const promRss = rssBytes(promPid);
    prom.kill('SIGTERM');

    // Ours, in its own process: first without storing (encode only), then writing through the collector's sink
    // into an influxd, whose CPU in the same window and RSS at its end count on our side, as Prometheus's TSDB
    // counts inside Prometheus.
    const bare = await runOurs(targetUrl);
    const influx = await startBenchInflux();
    let stored: OursRun;
    try {
      await connectInflux({ url: influx.url, database: 'bench' });
      stored = await runOurs(targetUrl, { url: influx.url, database: 'bench', pid: influx.pid });
    } finally {
      await influx.stop();
    }
    const exposed = stored.samples / Math.max(1, stored.scrapes);
    const perSampleUs = (cpu: number, samples: number): number => Number(((cpu * 1000) / samples).toFixed(3));
    const input = `static target: 4,000-partition broker exposition (${Math.round(exposed)} samples, ${(text.length / 1e6).toFixed(1)} MB), scraped every 1 s for ${windowS} s after a ${warmupS} s warm-up, each stack alone; ours scrapes, parses, maps, encodes and writes to influxd 1.6 (its CPU and RSS counted with ours), Prometheus scrapes, parses and appends to its TSDB; exposition from test/fixtures/broker-exposition.ts, served by bench/static-target.mjs`;
    const details = {
      oursProcessCpuMs: stored.cpuMs,
      influxdCpuMs: stored.storeCpuMs,
      pointsWritten: stored.written,
      oursRssBytes: stored.rssBytes,
      influxdRssBytes: stored.storeRssBytes,
      // Without storage on our side (encode only): Prometheus's parse cannot be timed apart from its append, so
      // this has no like-for-like peer and is reported here only.
      oursWithoutStorageUsPerSample: perSampleUs(bare.cpuMs, bare.samples),
      oursWithoutStorageRssPerSeries: Math.round(bare.rssBytes / (bare.samples / Math.max(1, bare.scrapes))),
      prometheusCpuMs: promCpu,
      prometheusSamplesAppended: promSamples,
    };
    return [
      result({
        name: 'scrape-cpu-per-sample',
        target: ratioAtMost(1, '≤ 1.0× Prometheus'),
        unit: 'µs CPU per sample',
        ours: perSampleUs(stored.cpuMs + stored.storeCpuMs, stored.samples),
        peer: perSampleUs(promCpu, promSamples),
        peerName: 'Prometheus 2.42 (Debian), scrape and TSDB append',
        better: 'lower',
        input,
        runs: stored.scrapes,
        details,
      }),
      result({
        name: 'scrape-rss-per-series',
        target: ratioAtMost(1, '≤ Prometheus'),
        unit: 'bytes RSS per series',
        ours: Math.round((stored.rssBytes + stored.storeRssBytes) / exposed),
        peer: Math.round(promRss / promSeries),
        peerName: 'Prometheus 2.42 (Debian), with its TSDB head',
        better: 'lower',
        input,
        runs: 1,
        details,
      }),
    ];
  } finally {
    for (const child of children) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
