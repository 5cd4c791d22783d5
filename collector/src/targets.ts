import { readFileSync } from 'node:fs';
import { catalog } from '../../model/src/catalog.ts';
import type { MeasurementSpec } from '../../model/src/catalog.ts';
import type { JmxMetric } from '../../model/src/jmx.ts';
import type { CollectorConfig } from './config.ts';
import type { NameIndex } from './jmx-names.ts';
import type { KafkaEndpoint } from './kafka/client.ts';
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

function endpointUrl(host: string, endpoint: Endpoint, defaultPath: string): string {
  return `${endpoint.scheme}://${host}:${endpoint.port}${endpoint.path ?? defaultPath}`;
}

function keepOf(cluster: Cluster): { keep?: (name: string) => boolean } {
  const keep = keepMatcher(cluster.keep);
  return keep === undefined ? {} : { keep };
}

/** The admin-API endpoint of a cluster, with its secret from `env` (checked present at load). */
export function kafkaEndpoint(cluster: Cluster, env: NodeJS.ProcessEnv): KafkaEndpoint {
  const endpoint: KafkaEndpoint = { brokers: [...cluster.bootstrap], clientId: cluster.client_id };
  if (cluster.sasl !== undefined) {
    const { mechanism, username, password_env } = cluster.sasl;
    endpoint.sasl = { mechanism, username, password: env[password_env] ?? '' };
  }
  if (cluster.tls !== undefined) {
    const ca = cluster.tls.ca_file === undefined ? undefined : readFileSync(cluster.tls.ca_file, 'utf8');
    endpoint.tls =
      ca === undefined
        ? { verify: !cluster.tls.insecure_skip_verify }
        : { ca, verify: !cluster.tls.insecure_skip_verify };
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
    const perBroker = cluster.brokers.flatMap((b) => {
      const out: Source[] = [];
      const jmx =
        b.jmx_url ?? (cluster.jmx === undefined ? undefined : endpointUrl(b.host, cluster.jmx, '/metrics'));
      if (jmx !== undefined)
        out.push(
          jmxTextSource({ cluster: cluster.name, broker: String(b.id), url: jmx, ...keepOf(cluster) }, index),
        );
      const jolokia =
        b.jolokia_url ??
        (cluster.jolokia === undefined ? undefined : endpointUrl(b.host, cluster.jolokia, '/jolokia/'));
      if (jolokia !== undefined)
        out.push(jolokiaSource({ cluster: cluster.name, broker: String(b.id), url: jolokia }, metrics));
      return out;
    });
    // One scrape per node_exporter, for every broker on its host (a lab puts them all on one).
    const hosts = new Map<string, string[]>();
    for (const b of cluster.brokers) {
      const url =
        b.node_exporter_url ??
        (cluster.node_exporter === undefined
          ? undefined
          : endpointUrl(b.host, cluster.node_exporter, '/metrics'));
      if (url !== undefined) hosts.set(url, [...(hosts.get(url) ?? []), String(b.id)]);
    }
    const hostSources = [...hosts].map(([url, brokers]) =>
      hostSource({ cluster: cluster.name, url, brokers }),
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
    return [
      liveness,
      admin,
      disk,
      consumerLagSource(cluster.name, session, tenants.groups, cluster.lag.exact_budget, (topic) =>
        retention.get(topic),
      ),
      ...probe,
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
