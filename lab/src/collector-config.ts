import { join } from 'node:path';
import type { CollectorConfig } from '../../collector/src/config.ts';
import type { LabState } from './state.ts';

/** A collector config for the lab: its cluster `lab`, each broker's JMX exporter and Jolokia, the host's node_exporter, its influxd. */
export function labCollectorConfig(
  state: LabState,
  database = 'lookout',
  intervalMs = 10_000,
): CollectorConfig {
  return {
    influx: {
      url: state.influx.url,
      database,
      retention: { raw: 7 * 86_400_000, downsample: [{ every: 300_000, keep: 30 * 86_400_000 }] },
    },
    spool: { dir: join(state.dir, 'spool'), max_bytes: 256 * 2 ** 20 },
    schedule: { interval: intervalMs, timeout: Math.min(8_000, intervalMs - 1_000) },
    listen: '127.0.0.1:0',
    clusters: [
      {
        name: 'lab',
        bootstrap: state.brokers.map((b) => `127.0.0.1:${b.port}`),
        client_id: 'lookout-collector',
        keep: [],
        lag: { exact_budget: 1000 },
        liveness: { interval: 2_000, timeout: 1_500 },
        restart_grace: 300_000,
        probe: { enabled: true, topic: '__lookout_probe', interval: 500, sla: 1_000, lost_after: 10_000 },
        brokers: state.brokers.map((b) => ({
          id: b.id,
          host: '127.0.0.1',
          jmx_url: `http://127.0.0.1:${b.jmxPort}/metrics`,
          jolokia_url: `http://127.0.0.1:${b.jolokiaPort}/jolokia/`,
          ...(state.nodeExporter === undefined ? {} : { node_exporter_url: state.nodeExporter.url }),
        })),
      },
    ],
  };
}
