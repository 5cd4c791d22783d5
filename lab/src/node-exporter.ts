import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnDetached } from './process.ts';
import type { ProcessRecord } from './state.ts';

/** The lab host's node_exporter (Debian's prometheus-node-exporter): every lab broker's host metrics. */
export type NodeExporterRecord = ProcessRecord & { url: string; port: number };

const binary = 'prometheus-node-exporter';

/** Whether Debian's node_exporter is installed. */
export function hasNodeExporter(): boolean {
  return spawnSync(binary, ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Starts node_exporter on loopback. Its textfile directory lies under the lab's `dir`, which also marks the
 * process as the lab's (its command line names the lab).
 */
export function startNodeExporter(dir: string, port: number): NodeExporterRecord {
  const own = join(dir, 'node-exporter');
  mkdirSync(own, { recursive: true });
  const args = [`--web.listen-address=127.0.0.1:${port}`, `--collector.textfile.directory=${own}`];
  const log = join(own, 'node-exporter.log');
  return {
    command: binary,
    args,
    log,
    pid: spawnDetached(binary, args, log, own),
    url: `http://127.0.0.1:${port}/metrics`,
    port,
  };
}
