import { execFile, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { freePorts } from '../lab/src/ports.ts';
import { brokerExposition } from '../test/fixtures/broker-exposition.ts';
import { result } from './result.ts';
import type { BenchResult } from './result.ts';
import { promMetric } from './prometheus.ts';

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

/**
 * The scrape path, side by side with Prometheus 2.42 (Debian) scraping the same static 4,000-partition
 * target every second in the same run: CPU per exposed sample, and RSS per series. Ours fetches, parses,
 * maps to the catalog and encodes; Prometheus fetches, parses and appends to its TSDB head. Each runs alone
 * for a ${warmupS} s warm-up and a ${windowS} s window.
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

    // Ours, in its own process.
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      new URL('./scrape-loop.ts', import.meta.url).pathname,
      targetUrl,
      String(warmupS),
      String(windowS),
      '1',
    ]);
    const ours = JSON.parse(stdout) as { cpuMs: number; scrapes: number; samples: number; rssBytes: number };
    const exposed = ours.samples / Math.max(1, ours.scrapes);
    const input = `static target: 4,000-partition broker exposition (${Math.round(exposed)} samples, ${(text.length / 1e6).toFixed(1)} MB), scraped every 1 s for ${windowS} s`;
    return [
      result({
        name: 'scrape-cpu-per-sample',
        unit: 'µs CPU per sample',
        ours: Number(((ours.cpuMs * 1000) / ours.samples).toFixed(3)),
        peer: Number(((promCpu * 1000) / promSamples).toFixed(3)),
        peerName: 'Prometheus 2.42 (Debian)',
        better: 'lower',
        input,
        runs: ours.scrapes,
      }),
      result({
        name: 'scrape-rss-per-series',
        unit: 'bytes RSS per series',
        ours: Math.round(ours.rssBytes / exposed),
        peer: Math.round(promRss / promSeries),
        peerName: 'Prometheus 2.42 (Debian)',
        better: 'lower',
        input,
        runs: 1,
      }),
    ];
  } finally {
    for (const child of children) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
