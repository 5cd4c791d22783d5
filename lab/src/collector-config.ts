import { join } from 'node:path';
import type { CollectorConfig } from '../../collector/src/config.ts';
import { agentUrls } from './agents.ts';
import { labClusters } from './state.ts';
import type { LabState } from './state.ts';

/** The environment variables a secured lab's collector config names: its SCRAM and agents' passwords. */
export const labSecretNames = {
  kafka: 'LOOKOUT_LAB_KAFKA_PASSWORD',
  agents: 'LOOKOUT_LAB_AGENT_PASSWORD',
} as const;

/** The secrets `labCollectorConfig` names, for the environment the collector runs with (none on a plain lab). */
export function labSecretsEnv(state: LabState): Record<string, string> {
  const security = state.security;
  if (security === undefined) return {};
  return { [labSecretNames.kafka]: security.password, [labSecretNames.agents]: security.agentPassword };
}

type ClusterConfig = CollectorConfig['clusters'][number];

/**
 * A secured lab's cluster access: SASL_SSL with SCRAM-SHA-512 as `lookout`, the lab's CA, and the agents over
 * HTTPS with basic authentication (passwords from `labSecretNames`).
 */
function securedAccess(state: LabState): Partial<ClusterConfig> {
  const security = state.security;
  if (security === undefined) return {};
  const tls = { ca_file: security.ca.cert, insecure_skip_verify: false };
  const agent = {
    scheme: 'https' as const,
    basic_auth: { username: security.agentUser, password_env: labSecretNames.agents },
    tls,
  };
  return {
    sasl: { mechanism: 'scram-sha-512', username: security.user, password_env: labSecretNames.kafka },
    tls,
    jmx: agent,
    jolokia: agent,
  };
}

/**
 * A collector config for the lab: its cluster `lab`, each broker's JMX exporter and Jolokia, the host's
 * node_exporter, its influxd; on a secured lab over SASL_SSL and HTTPS, with the secrets of `labSecretsEnv`.
 */
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
    clusters: labClusters(state).map((cluster) => ({
      name: cluster.name,
      bootstrap: cluster.brokers.map((b) => `127.0.0.1:${b.saslPort ?? b.port}`),
      ...securedAccess(state),
      client_id: 'lookout-collector',
      keep: [],
      lag: { exact_budget: 1000 },
      liveness: { interval: 2_000, timeout: 1_500 },
      restart_grace: 300_000,
      probe: { enabled: true, topic: '__lookout_probe', interval: 500, sla: 1_000, lost_after: 10_000 },
      brokers: cluster.brokers.map((b) => ({
        id: b.id,
        host: '127.0.0.1',
        jmx_url: agentUrls(state, b).jmx,
        jolokia_url: agentUrls(state, b).jolokia,
        ...(state.nodeExporter === undefined ? {} : { node_exporter_url: state.nodeExporter.url }),
      })),
    })),
  };
}
