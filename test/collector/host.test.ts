import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostSource } from '../../collector/src/sources/host.ts';
import { currentLab, sleep } from '../lab/lab.ts';

describe('host metrics from the lab host’s node_exporter (Debian prometheus-node-exporter)', () => {
  it('reads CPUs and memory as the kernel has them, and a synced write between two scrapes as disk work', async () => {
    const lab = currentLab();
    const url = lab.nodeExporter?.url;
    if (url === undefined)
      throw new Error('the lab runs no node_exporter: apt-get install prometheus-node-exporter');
    const source = hostSource({ cluster: 'lab', url, brokers: ['1', '2', '3'] });
    const signal = new AbortController().signal;

    const first = await source.collect(Date.now(), signal);
    expect(first.errorCount).toBe(0);
    expect(first.samples.map((s) => s.tags.broker)).toEqual(['1', '2', '3']);
    const gauges = first.samples[0]?.fields ?? {};
    expect(gauges.cpus).toBe(cpus().length);
    expect(Math.abs(Number(gauges.memory_total_bytes) - totalmem()) / totalmem()).toBeLessThan(0.01);
    expect(gauges.cpu_busy_ratio).toBeUndefined(); // no rate from one scrape

    // 64 MiB written and synced to the lab's disk between the scrapes.
    const file = join(lab.dir, 'host-test.bin');
    const fd = openSync(file, 'w');
    const chunk = Buffer.alloc(1 << 20, 7);
    for (let i = 0; i < 64; i += 1) writeSync(fd, chunk);
    fsyncSync(fd);
    closeSync(fd);
    rmSync(file);
    await sleep(1_000);

    const second = await source.collect(Date.now(), signal);
    const f = second.samples[0]?.fields ?? {};
    console.log(`host fields after a 64 MiB synced write: ${JSON.stringify(f)}`);
    for (const ratio of ['cpu_busy_ratio', 'cpu_iowait_ratio', 'cpu_steal_ratio', 'disk_util_ratio_max']) {
      expect(f[ratio], ratio).toBeGreaterThanOrEqual(0);
      expect(f[ratio], ratio).toBeLessThanOrEqual(1);
    }
    expect(f.disk_util_ratio_max).toBeGreaterThan(0);
    expect(f.disk_write_latency_ms_max).toBeGreaterThan(0);
    expect(f.swap_pages_per_s).toBeGreaterThanOrEqual(0);
    expect(f.network_errors_per_s).toBeGreaterThanOrEqual(0);
  });
});
