import { readFileSync } from 'node:fs';
import { catalog } from '../../model/src/catalog.ts';
import type { MeasurementSpec } from '../../model/src/catalog.ts';
import type { JmxMetric } from '../../model/src/jmx.ts';
import type { CollectorConfig } from './config.ts';
import type { NameIndex } from './jmx-names.ts';
import type { KafkaEndpoint } from './kafka/client.ts';
import type { HttpAccess } from './http-body.ts';
import { explainKafkaError, securityCause } from './kafka/errors.ts';
import { KafkaSession } from './kafka/session.ts';
import type { Source } from './source.ts';
import { clusterStateSource } from './sources/cluster-state.ts';
import { consumerLagSource } from './sources/lag/consumer-lag.ts';
import { diskSource } from './sources/disk.ts';
import { hostSource } from './sources/host.ts';
import { jmxTextSource, keepMatcher } from './sources/jmx-text.ts';
import { jolokiaSource } from './sources/jolokia.ts';
import { livenessSource } from './sources/liveness.ts';
import { defaultLivenessRules } from './broker-liveness.ts';
import { probeSource } from './sources/probe.ts';

type Cluster = CollectorConfig['clusters'][number];
type Endpoint = NonNullable<Cluster['jmx']>;

/** A broker's agent URL: listed, or made from its host and the cluster's endpoint (checked at load to have a port). */
function agentUrl(
  listed: string | undefined,
  host: string,
  endpoint: Endpoint | undefined,
  defaultPath: string,
): string | undefined {
  if (listed !== undefined) return listed;
  if (endpoint?.port === undefined) return undefined;
  return `${endpoint.scheme}://${host}:${endpoint.port}${endpoint.path ?? defaultPath}`;
}

/** How to reach a cluster's agents of one kind: their TLS and basic authentication, with secrets from `env`. */
export function agentAccess(endpoint: Endpoint | undefined, env: NodeJS.ProcessEnv): { access?: HttpAccess } {
  if (endpoint === undefined) return {};
  const access: HttpAccess = {};
  if (endpoint.basic_auth !== undefined)
    access.basic = {
      username: endpoint.basic_auth.username,
      password: env[endpoint.basic_auth.password_env] ?? '',
    };
  if (endpoint.tls !== undefined)
    access.tls = {
      verify: !endpoint.tls.insecure_skip_verify,
      ...(endpoint.tls.ca_file === undefined ? {} : { ca: readFileSync(endpoint.tls.ca_file, 'utf8') }),
    };
  return Object.keys(access).length === 0 ? {} : { access };
}

function keepOf(cluster: Cluster): { keep?: (name: string) => boolean } {
  const keep = keepMatcher(cluster.keep);
  return keep === undefined ? {} : { keep };
}

/** The admin-API endpoint of a cluster, with its secret from `env` (checked present at load). */
export function kafkaEndpoint(
  cluster: Pick<Cluster, 'bootstrap' | 'client_id' | 'sasl' | 'tls'>,
  env: NodeJS.ProcessEnv,
): KafkaEndpoint {
  const endpoint: KafkaEndpoint = { brokers: [...cluster.bootstrap], clientId: cluster.client_id };
  if (cluster.sasl !== undefined) {
    const { mechanism, username, password_env } = cluster.sasl;
    endpoint.sasl = { mechanism, username, password: env[password_env] ?? '' };
  }
  const tls = cluster.tls;
  if (tls !== undefined) {
    const read = (file: string | undefined): string | undefined =>
      file === undefined ? undefined : readFileSync(file, 'utf8');
    endpoint.tls = { verify: !tls.insecure_skip_verify };
    const ca = read(tls.ca_file);
    if (ca !== undefined) endpoint.tls.ca = ca;
    const cert = read(tls.cert_file);
    const key = read(tls.key_file);
    if (cert !== undefined && key !== undefined) {
      endpoint.tls.client = { cert, key };
      if (tls.key_password_env !== undefined)
        endpoint.tls.client.passphrase = env[tls.key_password_env] ?? '';
    }
  }
  return endpoint;
}

const ownedByTopic = new Set(
  Object.entries(catalog as Record<string, MeasurementSpec>)
    .filter(([, spec]) => spec.tags.includes('tenant') && spec.tags.includes('topic'))
    .map(([name]) => name),
);

/**
 * `source` with the owning tenant of each topic filled into the samples that have a topic and, in the
 * catalog, a `tenant` tag — unless the source set it itself (consumer lag: the group's owner).
 */
export function withTopicTenants(source: Source, topicTenant: (topic: string) => string): Source {
  return {
    ...source,
    async collect(nowMs, signal) {
      const got = await source.collect(nowMs, signal);
      const samples = got.samples.map((s) => {
        const topic = s.tags.topic;
        return topic !== undefined && s.tags.tenant === undefined && ownedByTopic.has(s.measurement)
          ? { ...s, tags: { ...s.tags, tenant: topicTenant(topic) } }
          : s;
      });
      return { ...got, samples };
    },
  };
}

/** `source` with its errors said plainly: a security refusal names the broker and the cause (`explainKafkaError`). */
export function withKafkaErrors(source: Source, endpoint: KafkaEndpoint): Source {
  return {
    ...source,
    async collect(nowMs, signal) {
      try {
        return await source.collect(nowMs, signal);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // A security refusal names the cluster too: the one line an operator reads in the log says it all.
        if (securityCause(error, endpoint) === undefined) throw error;
        const explained = explainKafkaError(error, endpoint);
        throw new Error(`cluster ${source.cluster}, ${explained === message ? message : explained}`, {
          cause: error,
        });
      }
    },
  };
}

/** The sources of a config and the long-lived connections they share (closed by `close`). */
export interface Targets {
  sources: Source[];
  close(): Promise<void>;
}

/**
 * Every source the config names: per cluster the admin API (cluster state, log dirs, consumer lag), liveness and
 * the probe; per broker its JMX exporter and Jolokia endpoints, and per broker host its node_exporter, listed
 * (`jmx_url`, `jolokia_url`, `node_exporter_url`) or derived from the broker's host and the cluster's port.
 */
export function sourcesOf(
  config: CollectorConfig,
  env: NodeJS.ProcessEnv,
  index: NameIndex,
  metrics: readonly JmxMetric[],
  tenants: { groups: (group: string) => string; topics: (topic: string) => string } = {
    groups: () => '',
    topics: () => '',
  },
  clock: () => number = Date.now,
): Targets {
  const sessions: KafkaSession[] = [];
  const sources = config.clusters.flatMap((cluster) => {
    // Each request within a quarter of the target's deadline: a hung broker costs a step, not the whole source.
    const session = new KafkaSession({
      ...kafkaEndpoint(cluster, env),
      requestTimeoutMs: Math.max(2_000, Math.floor(config.schedule.timeout / 4)),
    });
    sessions.push(session);
    // Each topic's retention.ms as the cluster state last read it: what consumer lag's retention share needs.
    const retention = new Map<string, number>();
    const admin = clusterStateSource(
      cluster.name,
      session,
      cluster.brokers.map((b) => b.id),
      (snap) => {
        for (const [topic, r] of snap.retention) retention.set(topic, r.ms);
      },
    );
    const disk = diskSource(cluster.name, session);
    const jmxAccess = agentAccess(cluster.jmx, env);
    const jolokiaAccess = agentAccess(cluster.jolokia, env);
    const perBroker = cluster.brokers.flatMap((b) => {
      const out: Source[] = [];
      const broker = String(b.id);
      const jmx = agentUrl(b.jmx_url, b.host, cluster.jmx, '/metrics');
      if (jmx !== undefined)
        out.push(
          jmxTextSource({ cluster: cluster.name, broker, url: jmx, ...keepOf(cluster), ...jmxAccess }, index),
        );
      const jolokia = agentUrl(b.jolokia_url, b.host, cluster.jolokia, '/jolokia/');
      if (jolokia !== undefined)
        out.push(jolokiaSource({ cluster: cluster.name, broker, url: jolokia, ...jolokiaAccess }, metrics));
      return out;
    });
    // One scrape per node_exporter, for every broker on its host (a lab puts them all on one).
    const hosts = new Map<string, string[]>();
    for (const b of cluster.brokers) {
      const url = agentUrl(b.node_exporter_url, b.host, cluster.node_exporter, '/metrics');
      if (url !== undefined) hosts.set(url, [...(hosts.get(url) ?? []), String(b.id)]);
    }
    const hostAccess = agentAccess(cluster.node_exporter, env);
    const hostSources = [...hosts].map(([url, brokers]) =>
      hostSource({ cluster: cluster.name, url, brokers, ...hostAccess }),
    );
    const probe = cluster.probe.enabled
      ? [
          probeSource(
            cluster.name,
            // Its own connections, with a short timeout: a hung broker fails its probe within seconds.
            new KafkaSession({
              ...session.endpoint,
              clientId: `${cluster.client_id}-probe`,
              requestTimeoutMs: 5_000,
            }),
            cluster.probe,
            clock,
          ),
        ]
      : [];
    const liveness = livenessSource(
      cluster.name,
      // Its own connections, with the liveness deadline: a hung broker costs this source its own deadline.
      new KafkaSession({
        ...session.endpoint,
        clientId: `${cluster.client_id}-liveness`,
        requestTimeoutMs: cluster.liveness.timeout,
      }),
      cluster.brokers.map((b) => b.id),
      {
        intervalMs: cluster.liveness.interval,
        timeoutMs: cluster.liveness.timeout,
        rules: { ...defaultLivenessRules, restartGraceMs: cluster.restart_grace },
      },
    );
    const lag = consumerLagSource(cluster.name, session, tenants.groups, cluster.lag.exact_budget, (topic) =>
      retention.get(topic),
    );
    return [
      ...[liveness, admin, disk, lag, ...probe].map((s) => withKafkaErrors(s, session.endpoint)),
      ...perBroker,
      ...hostSources,
    ];
  });
  return {
    sources: sources.map((s) => withTopicTenants(s, tenants.topics)),
    close: async () => {
      await Promise.all([...sources.map((s) => s.close?.()), ...sessions.map((s) => s.close())]);
    },
  };
}
