import { parseExposition } from './exposition.ts';
import type { ExpositionError } from './exposition.ts';

/**
 * What one node_exporter scrape says about a broker host: counters (cumulative since boot) and gauges, summed
 * or kept per device as the `host` measurement needs them. Pure: no I/O.
 */
export interface HostReading {
  timeMs: number;
  cpus: number;
  /** CPU seconds by mode, summed over every CPU. */
  cpu: { total: number; idle: number; iowait: number; steal: number };
  load1?: number;
  load5?: number;
  memoryTotal?: number;
  memoryAvailable?: number;
  pageCache?: number;
  swapTotal?: number;
  swapFree?: number;
  /** Pages swapped in and out since boot (vmstat). */
  swapPages?: number;
  /** Per block device: seconds busy, seconds spent reading and writing, reads and writes completed. */
  disks: Map<string, { busy: number; readTime: number; writeTime: number; reads: number; writes: number }>;
  /** Network errors and drops since boot, over every interface but loopback. */
  netErrors: number;
  netDrops: number;
  exposed: number;
  errorCount: number;
  errors: ExpositionError[];
}

const gauges: Record<string, keyof HostReading> = {
  node_load1: 'load1',
  node_load5: 'load5',
  node_memory_MemTotal_bytes: 'memoryTotal',
  node_memory_MemAvailable_bytes: 'memoryAvailable',
  node_memory_Cached_bytes: 'pageCache',
  node_memory_SwapTotal_bytes: 'swapTotal',
  node_memory_SwapFree_bytes: 'swapFree',
};

const diskFields = {
  node_disk_io_time_seconds_total: 'busy',
  node_disk_read_time_seconds_total: 'readTime',
  node_disk_write_time_seconds_total: 'writeTime',
  node_disk_reads_completed_total: 'reads',
  node_disk_writes_completed_total: 'writes',
} as const;

const label = (pairs: readonly string[], name: string): string | undefined => {
  for (let k = 0; k < pairs.length; k += 2) if (pairs[k] === name) return pairs[k + 1];
  return undefined;
};

/** Reads a node_exporter exposition (any version since 0.16: the `_seconds_total`/`_bytes` names). */
export function readHost(text: Buffer | string, timeMs: number): HostReading {
  const r: HostReading = {
    timeMs,
    cpus: 0,
    cpu: { total: 0, idle: 0, iowait: 0, steal: 0 },
    disks: new Map(),
    netErrors: 0,
    netDrops: 0,
    exposed: 0,
    errorCount: 0,
    errors: [],
  };
  const cpus = new Set<string>();
  const summary = parseExposition(text, (name, labels, value) => {
    if (!Number.isFinite(value)) return;
    if (name === 'node_cpu_seconds_total') {
      const pairs = labels.pairs();
      const mode = label(pairs, 'mode');
      cpus.add(label(pairs, 'cpu') ?? '');
      // guest time is already counted in user (the kernel's accounting); counting it again would double it.
      if (mode === 'guest' || mode === 'guest_nice') return;
      r.cpu.total += value;
      if (mode === 'idle' || mode === 'iowait' || mode === 'steal') r.cpu[mode] += value;
      return;
    }
    const gauge = gauges[name];
    if (gauge !== undefined) {
      (r as unknown as Record<string, number>)[gauge] = value;
      return;
    }
    if (name === 'node_vmstat_pswpin' || name === 'node_vmstat_pswpout') {
      r.swapPages = (r.swapPages ?? 0) + value;
      return;
    }
    const diskField = (diskFields as Record<string, (typeof diskFields)[keyof typeof diskFields]>)[name];
    if (diskField !== undefined) {
      const device = label(labels.pairs(), 'device') ?? '';
      let d = r.disks.get(device);
      if (d === undefined) {
        d = { busy: 0, readTime: 0, writeTime: 0, reads: 0, writes: 0 };
        r.disks.set(device, d);
      }
      d[diskField] = value;
      return;
    }
    if (/^node_network_(receive|transmit)_(errs|drop)_total$/.test(name)) {
      if (label(labels.pairs(), 'device') === 'lo') return;
      if (name.endsWith('_errs_total')) r.netErrors += value;
      else r.netDrops += value;
    }
  });
  r.cpus = cpus.size;
  r.exposed = summary.samples;
  r.errorCount = summary.errorCount;
  r.errors = summary.errors;
  return r;
}

/** The `host` fields of a reading: its gauges, and with the previous reading the rates and ratios between. */
export function hostFields(now: HostReading, before: HostReading | undefined): Record<string, number> {
  const f: Record<string, number> = {};
  const set = (name: string, v: number | undefined): void => {
    if (v !== undefined && Number.isFinite(v)) f[name] = v;
  };
  if (now.cpus > 0) f.cpus = now.cpus;
  set('load1', now.load1);
  set('load5', now.load5);
  set('memory_total_bytes', now.memoryTotal);
  set('memory_available_bytes', now.memoryAvailable);
  set('page_cache_bytes', now.pageCache);
  if (now.swapTotal !== undefined && now.swapFree !== undefined)
    f.swap_used_bytes = now.swapTotal - now.swapFree;
  const seconds = before === undefined ? 0 : (now.timeMs - before.timeMs) / 1000;
  if (before === undefined || seconds <= 0) return f;
  // A counter that fell (a reboot, an exporter restart) has no rate this time.
  const rate = (a: number | undefined, b: number | undefined): number | undefined =>
    a === undefined || b === undefined || a < b ? undefined : (a - b) / seconds;
  const cpuTotal = now.cpu.total - before.cpu.total;
  if (cpuTotal > 0) {
    const share = (k: 'idle' | 'iowait' | 'steal'): number =>
      Math.max(0, now.cpu[k] - before.cpu[k]) / cpuTotal;
    set('cpu_busy_ratio', Math.min(1, Math.max(0, 1 - share('idle') - share('iowait') - share('steal'))));
    set('cpu_iowait_ratio', share('iowait'));
    set('cpu_steal_ratio', share('steal'));
  }
  set('swap_pages_per_s', rate(now.swapPages, before.swapPages));
  let util: number | undefined;
  let readLatency: number | undefined;
  let writeLatency: number | undefined;
  for (const [device, d] of now.disks) {
    const b = before.disks.get(device);
    if (b === undefined) continue;
    const busy = rate(d.busy, b.busy);
    if (busy !== undefined) util = Math.max(util ?? 0, Math.min(1, busy));
    const reads = d.reads - b.reads;
    const writes = d.writes - b.writes;
    if (reads > 0) readLatency = Math.max(readLatency ?? 0, ((d.readTime - b.readTime) / reads) * 1000);
    if (writes > 0) writeLatency = Math.max(writeLatency ?? 0, ((d.writeTime - b.writeTime) / writes) * 1000);
  }
  set('disk_util_ratio_max', util);
  set('disk_read_latency_ms_max', readLatency ?? (util === undefined ? undefined : 0));
  set('disk_write_latency_ms_max', writeLatency ?? (util === undefined ? undefined : 0));
  set('network_errors_per_s', rate(now.netErrors, before.netErrors));
  set('network_drops_per_s', rate(now.netDrops, before.netDrops));
  return f;
}
