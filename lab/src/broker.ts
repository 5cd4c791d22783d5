import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KafkaJars } from './jars.ts';
import { labResources } from './paths.ts';
import { securedListeners, securedSettings } from './security.ts';
import type { LabSecurity } from './security.ts';
import type { BrokerRecord } from './state.ts';

/** Ports of one node, picked free before any node starts (the voters string needs the controller ports). */
export interface NodePorts {
  id: number;
  port: number;
  controllerPort: number;
  jmxPort: number;
  jolokiaPort: number;
  /** A secured lab's SASL_SSL (SCRAM) and SSL (mutual TLS) listeners. */
  saslPort?: number;
  sslPort?: number;
}

/**
 * The lab's replication and failure-detection settings. Kafka's defaults for detection
 * (broker.session.timeout.ms 9 s, replica.lag.time.max.ms 30 s) are kept so drills measure
 * what production would see.
 */
export function brokerSettings(brokers: number): Record<string, string> {
  const rf = String(Math.min(3, brokers));
  const minIsr = String(Math.min(2, brokers));
  return {
    'default.replication.factor': rf,
    'min.insync.replicas': minIsr,
    'offsets.topic.replication.factor': rf,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': minIsr,
    'share.coordinator.state.topic.replication.factor': rf,
    'share.coordinator.state.topic.min.isr': minIsr,
    'num.partitions': '3',
    'group.initial.rebalance.delay.ms': '0',
    'auto.create.topics.enable': 'false',
    'broker.session.timeout.ms': '9000',
    'broker.heartbeat.interval.ms': '2000',
    'replica.lag.time.max.ms': '30000',
  };
}

/** Writes node `ports.id`'s server.properties under `nodeDir` and returns its path. */
export function writeNodeProperties(
  nodeDir: string,
  ports: NodePorts,
  voters: string,
  brokers: number,
  security?: LabSecurity,
): string {
  mkdirSync(join(nodeDir, 'data'), { recursive: true });
  mkdirSync(join(nodeDir, 'logs'), { recursive: true });
  const plain = `PLAINTEXT://127.0.0.1:${ports.port}`;
  const secured =
    security !== undefined && ports.saslPort !== undefined && ports.sslPort !== undefined
      ? securedListeners({ saslPort: ports.saslPort, sslPort: ports.sslPort })
      : { listeners: [], protocols: [] };
  const props: Record<string, string> = {
    'process.roles': 'broker,controller',
    'node.id': String(ports.id),
    'controller.quorum.voters': voters,
    listeners: [plain, `CONTROLLER://127.0.0.1:${ports.controllerPort}`, ...secured.listeners].join(','),
    'advertised.listeners': [plain, ...secured.listeners].join(','),
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': [
      'CONTROLLER:PLAINTEXT',
      'PLAINTEXT:PLAINTEXT',
      ...secured.protocols,
    ].join(','),
    'log.dirs': join(nodeDir, 'data'),
    ...brokerSettings(brokers),
    ...(security === undefined ? {} : securedSettings(security)),
  };
  const path = join(nodeDir, 'server.properties');
  writeFileSync(
    path,
    Object.entries(props)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  );
  return path;
}

function log4jFlag(): string {
  return `-Dlog4j2.configurationFile=file:${join(labResources, 'log4j2.properties')}`;
}

/**
 * Formats a node's log dir with the cluster id (static voters: no --standalone). The id is passed as
 * `--cluster-id=ID`: a base64url id may start with '-', which the tool would take for an option.
 * Throws with the tool's output.
 */
export async function formatNode(jars: KafkaJars, propertiesPath: string, clusterId: string): Promise<void> {
  const args = ['-Xmx256m', log4jFlag(), '-cp', jars.classpath, 'kafka.tools.StorageTool'];
  try {
    await promisify(execFile)('java', [...args, 'format', `--cluster-id=${clusterId}`, '-c', propertiesPath]);
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`formatting ${propertiesPath} failed:\n${stdout}${stderr}`);
  }
}

/**
 * The JVM command line of one node (`heapMb` its maximum heap), with the JMX exporter and Jolokia agents on their
 * own loopback ports (over HTTPS with basic authentication when `agents` names their secured configs).
 */
export function brokerCommand(
  jars: KafkaJars,
  nodeDir: string,
  ports: NodePorts,
  propertiesPath: string,
  heapMb = 512,
  agents?: { jmxConfig: string; jolokiaConfig: string },
): Omit<BrokerRecord, 'pid'> {
  const jolokia = `host=127.0.0.1,port=${ports.jolokiaPort},discoveryEnabled=false`;
  const args = [
    '-Xms256m',
    `-Xmx${heapMb}m`,
    '-XX:+UseG1GC',
    '-XX:MaxMetaspaceSize=128m',
    '-XX:ReservedCodeCacheSize=64m',
    '-Djava.awt.headless=true',
    `-Dkafka.logs.dir=${join(nodeDir, 'logs')}`,
    log4jFlag(),
    `-javaagent:${jars.jmxAgent}=127.0.0.1:${ports.jmxPort}:${agents?.jmxConfig ?? join(labResources, 'jmx-exporter.yml')}`,
    `-javaagent:${jars.jolokiaAgent}=${agents === undefined ? jolokia : `${jolokia},config=${agents.jolokiaConfig}`}`,
    '-cp',
    jars.classpath,
    'kafka.Kafka',
    propertiesPath,
  ];
  return { ...ports, command: 'java', args, log: join(nodeDir, 'broker.log') };
}
