import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabSecurity } from './security.ts';

/** How to (re)start one lab process, and where it is now. */
export interface ProcessRecord {
  pid: number;
  command: string;
  args: string[];
  log: string;
}

/** One combined broker+controller node. */
export interface BrokerRecord extends ProcessRecord {
  /** Its cluster's name in a lab of several clusters (`lab up --clusters N`: a, b, …); absent in a lab of one. */
  cluster?: string;
  id: number;
  port: number;
  controllerPort: number;
  jmxPort: number;
  jolokiaPort: number;
  /** A secured lab's SASL_SSL (SCRAM) and SSL (mutual TLS) listeners. */
  saslPort?: number;
  sslPort?: number;
}

/** The lab's state file: everything `status`, the fault controls and `down` need. */
export interface LabState {
  dir: string;
  /** The (first) cluster's id; every cluster's in `clusterIds` when the lab has several. */
  clusterId: string;
  clusterIds?: Record<string, string>;
  startedAt: string;
  /** Broker settings that set the floor for detection latencies; drills quote them. */
  settings: Record<string, string>;
  brokers: BrokerRecord[];
  influx: ProcessRecord & { url: string; port: number };
  /** A secured lab's CA, certificates and secrets (`lab up --security`); the agents then want HTTPS and a password. */
  security?: LabSecurity;
  /** The host's node_exporter, when Debian's prometheus-node-exporter is installed. */
  nodeExporter?: ProcessRecord & { url: string; port: number };
}

/** The state file of the lab in `dir`. */
export function statePath(dir: string): string {
  return join(dir, 'state.json');
}

/** Reads the lab's state, or undefined when no lab was started in `dir`. */
export function readState(dir: string): LabState | undefined {
  const path = statePath(dir);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as LabState;
}

/** Writes the state atomically (temp file + rename), so a reader never sees half a file. */
export function writeState(state: LabState): void {
  const path = statePath(state.dir);
  // Owner-only: a secured lab keeps its passwords here.
  writeFileSync(`${path}.tmp`, JSON.stringify(state, null, 2), { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

/** The name of a lab's only cluster (the collector's `cluster` tag for it). */
export const singleClusterName = 'lab';

/** One Kafka cluster of a lab. */
export interface LabCluster {
  name: string;
  clusterId: string;
  brokers: BrokerRecord[];
}

/** The lab's clusters: `lab` alone, or `a`, `b`, … for `lab up --clusters N`. */
export function labClusters(state: LabState): LabCluster[] {
  if (state.clusterIds === undefined)
    return [{ name: singleClusterName, clusterId: state.clusterId, brokers: state.brokers }];
  return Object.entries(state.clusterIds).map(([name, clusterId]) => ({
    name,
    clusterId,
    brokers: state.brokers.filter((b) => b.cluster === name),
  }));
}

/** One cluster of the lab by name (the first when none is named), or a clear error naming those there are. */
export function labCluster(state: LabState, name?: string): LabCluster {
  const clusters = labClusters(state);
  const found = name === undefined ? clusters[0] : clusters.find((c) => c.name === name);
  if (found === undefined)
    throw new Error(`no cluster ${name} in this lab (clusters: ${clusters.map((c) => c.name).join(', ')})`);
  return found;
}

/** The bootstrap list of a lab's cluster (its first by default): every broker's loopback listener. */
export function bootstrapOf(state: LabState, cluster?: string): string[] {
  return labCluster(state, cluster).brokers.map((b) => `127.0.0.1:${b.port}`);
}

/**
 * Broker `id` of a lab's cluster (in a lab of several clusters `cluster` must say which), or a clear error
 * naming what there is.
 */
export function labBroker(state: LabState, id: number, cluster?: string): BrokerRecord {
  if (state.clusterIds !== undefined && cluster === undefined)
    throw new Error(
      `this lab has clusters ${Object.keys(state.clusterIds).join(', ')}: say which with --cluster NAME`,
    );
  const brokers = labCluster(state, cluster).brokers;
  const broker = brokers.find((b) => b.id === id);
  if (broker === undefined) {
    const where = cluster === undefined ? 'this lab' : `cluster ${cluster}`;
    throw new Error(`no broker ${id} in ${where} (brokers: ${brokers.map((b) => b.id).join(', ')})`);
  }
  return broker;
}
