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
  clusterId: string;
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

/** The bootstrap list of a lab: every broker's loopback listener. */
export function bootstrapOf(state: LabState): string[] {
  return state.brokers.map((b) => `127.0.0.1:${b.port}`);
}
