import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { brokerCommand, brokerSettings, formatNode, writeNodeProperties } from './broker.ts';
import type { NodePorts } from './broker.ts';
import { stopLab, liveProcesses } from './control.ts';
import { ensureInfluxd, startInfluxd, waitInfluxReady, writeInfluxConfig } from './influxd.ts';
import { ensureKafkaJars } from './jars.ts';
import { hasNodeExporter, startNodeExporter } from './node-exporter.ts';
import { freePorts } from './ports.ts';
import { spawnDetached } from './process.ts';
import { httpAnswers, registeredBrokers, waitFor } from './readiness.ts';
import { grantLookout, lookoutPrincipal, prepareSecurity, securedAgentConfigs } from './security.ts';
import type { LabSecurity } from './security.ts';
import { agentAccessOf, agentUrls } from './agents.ts';
import { bootstrapOf, labClusters, readState, singleClusterName, writeState } from './state.ts';
import type { BrokerRecord, LabState } from './state.ts';

/** What `lab up` starts. */
export interface LabOptions {
  dir: string;
  brokers: number;
  say: (line: string) => void;
  /** How long the cluster may take to become ready once the JVMs run. */
  readyTimeoutMs?: number;
  /** Each broker's JVM heap (default 512 MiB; the consumer-lag benchmark's 36,000 replicas need more). */
  brokerHeapMb?: number;
  /**
   * A secured lab: SASL_SSL (SCRAM-SHA-512) and SSL (mutual TLS) listeners beside PLAINTEXT, ACLs on with the
   * collector's least privilege granted to `User:lookout`, the agents over HTTPS with basic authentication.
   */
  security?: boolean;
  /** How many independent clusters (default 1, named `lab`; 2 or 3 are named a, b, c), each of `brokers` nodes. */
  clusters?: number;
}

/** Waits until every broker is in its cluster's metadata and answers on its JMX exporter and Jolokia ports (and the node_exporter). */
export async function waitLabReady(state: LabState, timeoutMs: number): Promise<void> {
  for (const cluster of labClusters(state)) {
    const want = cluster.brokers.map((b) => b.id).join(',');
    const named = state.clusterIds === undefined ? '' : ` of cluster ${cluster.name}`;
    // Each broker is asked on its own listener, so every one of them serves requests, not just one.
    await waitFor(`brokers ${want}${named} to register and serve`, timeoutMs, async () => {
      const seen = await Promise.all(cluster.brokers.map((b) => registeredBrokers([`127.0.0.1:${b.port}`])));
      return seen.every((ids) => ids.join(',') === want);
    });
  }
  const agents = agentAccessOf(state);
  await waitFor('JMX exporter, Jolokia and node_exporter endpoints', 15_000, async () => {
    const urls = state.brokers.flatMap((b) => [
      agentUrls(state, b).jmx,
      `${agentUrls(state, b).jolokia}version`,
    ]);
    const answers = urls.map((url) => httpAnswers(url, agents));
    if (state.nodeExporter !== undefined) answers.push(httpAnswers(state.nodeExporter.url));
    return (await Promise.all(answers)).every(Boolean);
  });
}

/** The names of `count` clusters: `lab` alone, or a, b, c … */
export function clusterNames(count: number): string[] {
  if (!Number.isInteger(count) || count < 1 || count > 3)
    throw new Error(`--clusters must be a whole number from 1 to 3, got ${count}`);
  return count === 1 ? [singleClusterName] : ['a', 'b', 'c'].slice(0, count);
}

/**
 * Starts `clusters` KRaft clusters (default one) of `brokers` combined broker+controller nodes each and one
 * influxd, all on loopback with free ports, records them in `dir/state.json`, and waits until they are ready.
 * A failed start stops whatever it had started.
 */
export async function startLab(options: LabOptions): Promise<LabState> {
  const { dir, brokers, say } = options;
  if (!Number.isInteger(brokers) || brokers < 1 || brokers > 9) {
    throw new Error(`--brokers must be a whole number from 1 to 9, got ${brokers}`);
  }
  const names = clusterNames(options.clusters ?? 1);
  const several = names.length > 1;
  const previous = readState(dir);
  if (previous !== undefined && liveProcesses(previous).length > 0) {
    throw new Error(
      `a lab is already running in ${dir}: run 'lookout lab down' first, or set LOOKOUT_LAB_DIR`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  ensureInfluxd(say);
  const jars = await ensureKafkaJars(say);
  const perBroker = options.security === true ? 6 : 4;
  const ports = await freePorts(names.length * brokers * perBroker + 3);
  const take = (): number => {
    const port = ports.shift();
    if (port === undefined) throw new Error('ran out of free ports');
    return port;
  };
  let security: LabSecurity | undefined;
  let agents: { jmxConfig: string; jolokiaConfig: string } | undefined;
  if (options.security === true) {
    say("making a throwaway CA, the brokers' and the collector's certificates, and passwords …");
    security = prepareSecurity(dir);
    agents = securedAgentConfigs(dir, security);
  }
  const clusterIds: Record<string, string> = {};
  const prepared = names.flatMap((name) => {
    const nodes: NodePorts[] = Array.from({ length: brokers }, (_, i) => ({
      id: i + 1,
      port: take(),
      controllerPort: take(),
      jmxPort: take(),
      jolokiaPort: take(),
      ...(options.security === true ? { saslPort: take(), sslPort: take() } : {}),
    }));
    const voters = nodes.map((n) => `${n.id}@127.0.0.1:${n.controllerPort}`).join(',');
    clusterIds[name] = randomBytes(16).toString('base64url');
    return nodes.map((node) => {
      const nodeDir = join(dir, several ? `${name}-node-${node.id}` : `node-${node.id}`);
      const properties = writeNodeProperties(nodeDir, node, voters, brokers, security);
      return { cluster: name, node, nodeDir, properties };
    });
  });
  const ids = Object.entries(clusterIds);
  say(
    `formatting ${brokers} KRaft node(s)${several ? ` in each of ${names.length} clusters` : ''}, cluster id ${ids.map(([n, id]) => (several ? `${n} ${id}` : id)).join(', ')} …`,
  );
  await Promise.all(prepared.map((p) => formatNode(jars, p.properties, clusterIds[p.cluster] ?? '')));

  const influxDir = join(dir, 'influxdb');
  const httpPort = take();
  const influxConfig = writeInfluxConfig(influxDir, httpPort, take());
  const state: LabState = {
    dir,
    clusterId: ids[0]?.[1] ?? '',
    ...(several ? { clusterIds } : {}),
    startedAt: new Date().toISOString(),
    settings: brokerSettings(brokers),
    brokers: [],
    influx: { ...startInfluxd(influxDir, influxConfig), url: `http://127.0.0.1:${httpPort}`, port: httpPort },
    ...(security === undefined ? {} : { security }),
  };
  const nodeExporterPort = take();
  if (hasNodeExporter()) state.nodeExporter = startNodeExporter(dir, nodeExporterPort);
  else say('prometheus-node-exporter is not installed: the lab runs without host metrics');
  try {
    say(`starting ${prepared.length} broker JVM(s) and influxd …`);
    state.brokers = prepared.map(({ cluster, node, nodeDir, properties }): BrokerRecord => {
      const command = brokerCommand(jars, nodeDir, node, properties, options.brokerHeapMb, agents);
      const pid = spawnDetached(command.command, command.args, command.log, nodeDir);
      return { ...(several ? { cluster } : {}), ...command, pid };
    });
    writeState(state);
    say('waiting for the brokers to form the cluster and their JMX exporters to answer …');
    const started = Date.now();
    const ticking = setInterval(
      () => say(`  … still starting (${Math.round((Date.now() - started) / 1_000)} s)`),
      10_000,
    );
    try {
      await waitInfluxReady(state.influx.url, 15_000);
      await waitLabReady(state, options.readyTimeoutMs ?? 90_000);
      if (security !== undefined) {
        say(`granting ${lookoutPrincipal} its SCRAM password and the collector's least privilege (ACLs) …`);
        for (const cluster of labClusters(state))
          await grantLookout(bootstrapOf(state, cluster.name), security);
      }
    } finally {
      clearInterval(ticking);
    }
    say(`the lab is up (${Math.round((Date.now() - started) / 1_000)} s)`);
    return state;
  } catch (error) {
    say(`lab start failed, stopping what was started; logs were in ${dir}`);
    writeState(state);
    await stopLab(state, () => undefined);
    throw error;
  }
}
