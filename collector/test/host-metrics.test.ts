import { describe, expect, it } from 'vitest';
import { hostFields, readHost } from '../src/host-metrics.ts';

/** A node_exporter 1.5 exposition of a 2-CPU host, its counters advanced `k` steps (the ratios, not the physics, are the point). */
function exposition(k: number): string {
  return [
    '# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.',
    '# TYPE node_cpu_seconds_total counter',
    ...['0', '1'].flatMap((cpu) => [
      `node_cpu_seconds_total{cpu="${cpu}",mode="idle"} ${100 + 5 * k}`,
      `node_cpu_seconds_total{cpu="${cpu}",mode="iowait"} ${10 + 2 * k}`,
      `node_cpu_seconds_total{cpu="${cpu}",mode="steal"} ${1 + 1 * k}`,
      `node_cpu_seconds_total{cpu="${cpu}",mode="user"} ${50 + 2 * k}`,
      `node_guest_seconds_total{cpu="${cpu}",mode="user"} 0`,
    ]),
    'node_load1 2.5',
    'node_load5 1.25',
    'node_memory_MemTotal_bytes 8e+09',
    'node_memory_MemAvailable_bytes 2e+09',
    'node_memory_Cached_bytes 5e+09',
    'node_memory_SwapTotal_bytes 1e+09',
    'node_memory_SwapFree_bytes 7.5e+08',
    `node_vmstat_pswpin ${100 + 30 * k}`,
    `node_vmstat_pswpout ${200 + 70 * k}`,
    `node_disk_io_time_seconds_total{device="sda"} ${40 + 0.9 * k}`,
    `node_disk_read_time_seconds_total{device="sda"} ${10 + 1 * k}`,
    `node_disk_reads_completed_total{device="sda"} ${1000 + 100 * k}`,
    `node_disk_write_time_seconds_total{device="sda"} ${20 + 4 * k}`,
    `node_disk_writes_completed_total{device="sda"} ${2000 + 200 * k}`,
    `node_disk_io_time_seconds_total{device="sdb"} ${1 + 0.1 * k}`,
    `node_network_receive_errs_total{device="eth0"} ${3 * k}`,
    `node_network_transmit_errs_total{device="eth0"} ${k}`,
    `node_network_receive_drop_total{device="eth0"} ${2 * k}`,
    `node_network_receive_errs_total{device="lo"} ${1000 * k}`,
    'node_disk_io_time_seconds_total{device="sda"',
    '',
  ].join('\n');
}

describe('host metrics from node_exporter', () => {
  it('the first scrape gives the gauges only: no rate without a previous reading', () => {
    const r = readHost(exposition(0), 0);
    expect(r.errorCount).toBe(1); // the truncated last line, reported and skipped
    expect(hostFields(r, undefined)).toEqual({
      cpus: 2,
      load1: 2.5,
      load5: 1.25,
      memory_total_bytes: 8e9,
      memory_available_bytes: 2e9,
      page_cache_bytes: 5e9,
      swap_used_bytes: 2.5e8,
    });
  });

  it('the next gives CPU shares, swap, the busiest disk, its latencies and network errors over the interval', () => {
    const f = hostFields(readHost(exposition(10), 10_000), readHost(exposition(0), 0));
    // Per CPU over 10 s: idle 50, iowait 20, steal 10, user 20 of 100 CPU-seconds.
    expect(f.cpu_busy_ratio).toBeCloseTo(0.2);
    expect(f.cpu_iowait_ratio).toBeCloseTo(0.2);
    expect(f.cpu_steal_ratio).toBeCloseTo(0.1);
    expect(f.swap_pages_per_s).toBeCloseTo(100);
    expect(f.disk_util_ratio_max).toBeCloseTo(0.9); // sda busy 9 s of 10, sdb 1 of 10
    expect(f.disk_read_latency_ms_max).toBeCloseTo(10); // 10 s over 1,000 reads
    expect(f.disk_write_latency_ms_max).toBeCloseTo(20);
    expect(f.network_errors_per_s).toBeCloseTo(4); // loopback's errors are not counted
    expect(f.network_drops_per_s).toBeCloseTo(2);
  });

  it('counters that fell (a reboot) give no rate, not a negative one', () => {
    const f = hostFields(readHost(exposition(0), 10_000), readHost(exposition(10), 0));
    expect(f.swap_pages_per_s).toBeUndefined();
    expect(f.network_errors_per_s).toBeUndefined();
    expect(f.cpu_busy_ratio).toBeUndefined();
    expect(f.load1).toBe(2.5);
  });
});
