import { setTimeout as sleep } from 'node:timers/promises';
import { endProcess, processState, signalProcess, spawnDetached, waitGone } from './process.ts';
import type { ProcessState } from './process.ts';
import { removeCpuGroups } from './cgroup.ts';
import { waitInfluxReady } from './influxd.ts';
import { registeredBrokers, waitFor } from './readiness.ts';
import { agentUrls } from './agents.ts';
import { labBroker, readState, writeState } from './state.ts';
import type { BrokerRecord, LabState } from './state.ts';

/** A fault control of one broker. */
export type BrokerAction = 'kill' | 'stop' | 'start' | 'pause' | 'resume';

/** What `lab status --json` prints. */
export interface LabStatus {
  dir: string;
  clusterId: string;
  /** Every cluster's id, in a lab of several. */
  clusterIds?: Record<string, string>;
  settings: Record<string, string>;
  brokers: {
    /** Its cluster, in a lab of several. */
    cluster?: string;
    id: number;
    bootstrap: string;
    jmx: string;
    jolokia: string;
    /** A secured lab's SASL_SSL (SCRAM-SHA-512) and SSL (mutual TLS) listeners. */
    saslSsl?: string;
    ssl?: string;
    pid: number;
    state: ProcessState;
  }[];
  influx: { url: string; pid: number; state: ProcessState };
  nodeExporter?: { url: string; pid: number; state: ProcessState };
}

/** The lab in `dir`, or a clear error saying how to start one. */
export function requireState(dir: string): LabState {
  const state = readState(dir);
  if (state === undefined) throw new Error(`no lab in ${dir}: start one with 'lookout lab up'`);
  return state;
}

/** The state of each lab process as the kernel sees it now (pids are checked to be ours by the lab dir). */
export function labStatus(state: LabState): LabStatus {
  return {
    dir: state.dir,
    clusterId: state.clusterId,
    ...(state.clusterIds === undefined ? {} : { clusterIds: state.clusterIds }),
    settings: state.settings,
    brokers: state.brokers.map((b) => ({
      ...(b.cluster === undefined ? {} : { cluster: b.cluster }),
      id: b.id,
      bootstrap: `127.0.0.1:${b.port}`,
      ...agentUrls(state, b),
      ...(b.saslPort === undefined ? {} : { saslSsl: `127.0.0.1:${b.saslPort}` }),
      ...(b.sslPort === undefined ? {} : { ssl: `127.0.0.1:${b.sslPort}` }),
      pid: b.pid,
      state: processState(b.pid, state.dir),
    })),
    influx: {
      url: state.influx.url,
      pid: state.influx.pid,
      state: processState(state.influx.pid, state.dir),
    },
    ...(state.nodeExporter === undefined
      ? {}
      : {
          nodeExporter: {
            url: state.nodeExporter.url,
            pid: state.nodeExporter.pid,
            state: processState(state.nodeExporter.pid, state.dir),
          },
        }),
  };
}

/** Pids of the lab's processes that still run (or are paused). */
export function liveProcesses(state: LabState): number[] {
  const nodeExporter = state.nodeExporter === undefined ? [] : [state.nodeExporter.pid];
  return [state.influx.pid, ...nodeExporter, ...state.brokers.map((b) => b.pid)].filter(
    (pid) => processState(pid, state.dir) !== 'gone',
  );
}

/** Stops every process the lab started, by pid: brokers with a controlled shutdown first, SIGKILL after a grace. */
export async function stopLab(state: LabState, say: (line: string) => void): Promise<void> {
  const live = liveProcesses(state);
  say(`stopping ${live.length} lab process(es) …`);
  // All brokers at once: a lone remaining controller cannot finish a controlled shutdown anyway.
  await Promise.all(state.brokers.map((b) => endProcess(b.pid, state.dir, 8_000)));
  await endProcess(state.influx.pid, state.dir, 5_000);
  if (state.nodeExporter !== undefined) await endProcess(state.nodeExporter.pid, state.dir, 5_000);
  removeCpuGroups(state);
  const left = liveProcesses(state);
  if (left.length > 0) throw new Error(`lab processes still running after stop: ${left.join(', ')}`);
}

/**
 * Applies a fault control to broker `id` and waits for its effect: kill (SIGKILL) and stop (SIGTERM,
 * controlled shutdown) wait until the JVM is gone; start re-runs the recorded command line on the same
 * data and waits until the broker is registered again; pause/resume are SIGSTOP/SIGCONT.
 */
export async function controlBroker(
  dir: string,
  id: number,
  action: BrokerAction,
  cluster?: string,
): Promise<BrokerRecord> {
  const state = requireState(dir);
  const broker = labBroker(state, id, cluster);
  const now = processState(broker.pid, dir);
  switch (action) {
    case 'kill':
    case 'stop':
      if (now === 'gone') throw new Error(`broker ${id} is not running`);
      if (action === 'kill') {
        signalProcess(broker.pid, 'SIGKILL', dir);
        await waitGone(broker.pid, dir, 5_000);
      } else {
        await endProcess(broker.pid, dir, 30_000);
      }
      return broker;
    case 'pause':
    case 'resume':
      if (now === 'gone') throw new Error(`broker ${id} is not running`);
      signalProcess(broker.pid, action === 'pause' ? 'SIGSTOP' : 'SIGCONT', dir);
      await sleep(50);
      return broker;
    case 'start': {
      if (now !== 'gone') throw new Error(`broker ${id} is already running (pid ${broker.pid}, ${now})`);
      broker.pid = spawnDetached(broker.command, broker.args, broker.log, dir);
      writeState(state);
      // Ask the restarted broker itself: its listener serves only once it has caught up and is unfenced.
      await waitFor(`broker ${id} to serve requests again`, 60_000, async () =>
        (await registeredBrokers([`127.0.0.1:${broker.port}`])).includes(id),
      );
      return broker;
    }
  }
}

/** Stops (SIGTERM) or starts again (same command line, same data) the lab's influxd, for outage drills. */
export async function controlInflux(dir: string, action: 'stop' | 'start'): Promise<number> {
  const state = requireState(dir);
  const influx = state.influx;
  const now = processState(influx.pid, dir);
  if (action === 'stop') {
    if (now === 'gone') throw new Error('influxd is not running');
    await endProcess(influx.pid, dir, 10_000);
    return influx.pid;
  }
  if (now !== 'gone') throw new Error(`influxd is already running (pid ${influx.pid})`);
  influx.pid = spawnDetached(influx.command, influx.args, influx.log, dir);
  writeState(state);
  await waitInfluxReady(influx.url, 15_000);
  return influx.pid;
}
