import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { processState } from './process.ts';
import { labBroker, readState } from './state.ts';
import type { LabState } from './state.ts';

/** Where cgroup v1's cpu controller is mounted (lab-notes: cpu, blkio, memory, freezer are). */
const cpuRoot = '/sys/fs/cgroup/cpu';
const period = 100_000;

/** The cgroup a lab broker is slowed in: one per lab and broker, so two labs never share one. */
function groupOf(dir: string, broker: { id: number; cluster?: string }): string {
  const cluster = broker.cluster === undefined ? '' : `${broker.cluster}-`;
  return join(cpuRoot, `lookout-${basename(dir)}-broker-${cluster}${broker.id}`);
}

/**
 * Caps broker `id`'s JVM at `cores` of a CPU (0.1: a tenth of one core) in its own cgroup v1 `cpu` group: alive,
 * in the ISR, answering, a fraction of its throughput (the slow-broker case). `cores` undefined releases it
 * (back to the root group, the group removed). Needs root and cgroup v1's cpu controller.
 */
export function throttleBrokerCpu(
  dir: string,
  id: number,
  cores: number | undefined,
  cluster?: string,
): number {
  const state = readState(dir);
  if (state === undefined) throw new Error(`no lab in ${dir}: start one with 'lookout lab up'`);
  const broker = labBroker(state, id, cluster);
  if (processState(broker.pid, dir) === 'gone') throw new Error(`broker ${id} is not running`);
  if (!existsSync(join(cpuRoot, 'cgroup.procs')))
    throw new Error(`no cgroup v1 cpu controller at ${cpuRoot}: the lab cannot slow a broker here`);
  const group = groupOf(dir, broker);
  if (cores === undefined) {
    if (!existsSync(group)) return broker.pid;
    for (const pid of readFileSync(join(group, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean))
      writeFileSync(join(cpuRoot, 'cgroup.procs'), pid);
    rmdirSync(group);
    return broker.pid;
  }
  if (!(cores > 0 && cores <= 64)) throw new Error(`--cpu must be a share of cores in (0, 64], got ${cores}`);
  mkdirSync(group, { recursive: true });
  writeFileSync(join(group, 'cpu.cfs_period_us'), String(period));
  writeFileSync(join(group, 'cpu.cfs_quota_us'), String(Math.max(1_000, Math.round(cores * period))));
  // cgroup.procs moves every thread of the process.
  writeFileSync(join(group, 'cgroup.procs'), String(broker.pid));
  return broker.pid;
}

/** Removes the cpu groups of a lab whose brokers have exited (`lab down`). */
export function removeCpuGroups(state: LabState): void {
  for (const b of state.brokers) {
    const group = groupOf(state.dir, b);
    if (existsSync(group)) rmdirSync(group);
  }
}
