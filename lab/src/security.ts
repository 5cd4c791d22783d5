import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKafka } from '../../collector/src/kafka/client.ts';
import { runKafkaTool } from './kafka-tools.ts';
import { labResources } from './paths.ts';
import { issueCert, makeCa, pkcs12 } from './tls.ts';
import type { CertFiles } from './tls.ts';

/** The secured lab's CA, certificates and secrets (`lookout lab up --security`), kept in its state. */
export interface LabSecurity {
  /** The throwaway CA every lab certificate chains to. */
  ca: CertFiles;
  /** The collector's client certificate for mutual TLS: `CN=lookout`, which the brokers map to `User:lookout`. */
  client: CertFiles;
  /** The brokers' and agents' key store (PKCS#12: key, certificate, CA) and its password. */
  keystore: string;
  storePassword: string;
  /** The SCRAM-SHA-512 user the collector logs in as, and its password. */
  user: string;
  password: string;
  /** The JMX exporter's and Jolokia's basic-authentication user and password. */
  agentUser: string;
  agentPassword: string;
}

/** Where a broker's secured listeners are. */
export interface SecuredPorts {
  /** SASL_SSL with SCRAM-SHA-512. */
  saslPort: number;
  /** SSL with client certificates required (mutual TLS). */
  sslPort: number;
}

/** The principal the collector runs as, by SCRAM user name and by its certificate's common name. */
export const lookoutPrincipal = 'User:lookout';

/** The probe's topic as the collector names it by default. */
const probeTopic = '__lookout_probe';

/** A grant of `operations` on a resource (`*` a literal wildcard), and what the collector does with it. */
export interface Grant {
  resource: 'cluster' | 'topic' | 'group' | 'transactional-id';
  name: string;
  operations: readonly ('Describe' | 'DescribeConfigs' | 'Read' | 'Write' | 'Create' | 'Alter')[];
  why: string;
}

/**
 * The least privilege the collector needs: every source works with these and nothing more (the secured-lab test
 * runs it so). Read on tenants' topics is not among them: without it lag in seconds is interpolated from the
 * log-end history instead of read from the record at each group's position (README, "Least privilege").
 */
export const lookoutGrants: readonly Grant[] = [
  {
    resource: 'cluster',
    name: 'kafka-cluster',
    operations: ['Describe'],
    why: 'brokers, log dirs, the quorum',
  },
  {
    resource: 'topic',
    name: '*',
    operations: ['Describe', 'DescribeConfigs'],
    why: 'partitions, leaders, ISR, offsets, min ISR and retention',
  },
  { resource: 'group', name: '*', operations: ['Describe'], why: 'groups, members, committed offsets' },
  {
    resource: 'transactional-id',
    name: '*',
    operations: ['Describe'],
    why: 'which transaction holds a last stable offset back',
  },
  {
    resource: 'topic',
    name: probeTopic,
    operations: ['Create', 'Alter', 'Write', 'Read'],
    why: "the probe's own topic: made, a partition added per new broker, written and read",
  },
];

// Kafka's protocol codes of resource types, operations and permissions (CreateAcls).
const resourceCode = { cluster: 4, topic: 2, group: 3, 'transactional-id': 5 } as const;
const operationCode = { Read: 3, Write: 4, Create: 5, Alter: 7, Describe: 8, DescribeConfigs: 10 } as const;
const literal = 3;
const allow = 3;

/** The ACL entries of `grants` for `principal`, from any host. */
export function aclEntries(grants: readonly Grant[], principal = lookoutPrincipal) {
  return grants.flatMap((g) =>
    g.operations.map((op) => ({
      resourceType: resourceCode[g.resource],
      resourceName: g.name,
      resourcePatternType: literal,
      principal,
      host: '*',
      operation: operationCode[op],
      permissionType: allow,
    })),
  );
}

const secret = (): string => randomBytes(18).toString('base64url');

/** Makes the secured lab's CA, certificates and secrets under `dir/tls`. */
export function prepareSecurity(dir: string): LabSecurity {
  const tlsDir = join(dir, 'tls');
  const ca = makeCa(tlsDir, 'lookout-lab-ca');
  const server = issueCert(ca, tlsDir, 'broker', { cn: 'localhost', usage: 'server', days: 2 });
  const client = issueCert(ca, tlsDir, 'lookout-client', { cn: 'lookout', usage: 'client', days: 2 });
  const storePassword = secret();
  const keystore = pkcs12(server, ca, join(tlsDir, 'broker.p12'), 'broker', storePassword);
  return {
    ca,
    client,
    keystore,
    storePassword,
    user: 'lookout',
    password: secret(),
    agentUser: 'lookout',
    agentPassword: secret(),
  };
}

/** The listeners a secured broker adds beside PLAINTEXT (the lab's own tools) and CONTROLLER. */
export function securedListeners(ports: SecuredPorts): { listeners: string[]; protocols: string[] } {
  return {
    listeners: [`SASL_SSL://127.0.0.1:${ports.saslPort}`, `SSL://127.0.0.1:${ports.sslPort}`],
    protocols: ['SASL_SSL:SASL_SSL', 'SSL:SSL'],
  };
}

/**
 * A secured broker's settings: TLS from the lab's CA, SCRAM-SHA-512 on SASL_SSL, client certificates required
 * on SSL (`CN=lookout` → `User:lookout`), ACLs on. The PLAINTEXT and CONTROLLER listeners' principal
 * (`User:ANONYMOUS`) is a super user: the brokers' own traffic and the lab's tools; what is tested is the
 * secured listeners, where only the ACLs count.
 */
export function securedSettings(security: LabSecurity): Record<string, string> {
  return {
    'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config':
      'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'ssl.keystore.type': 'PKCS12',
    'ssl.keystore.location': security.keystore,
    'ssl.keystore.password': security.storePassword,
    'ssl.key.password': security.storePassword,
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.location': security.ca.cert,
    'listener.name.ssl.ssl.client.auth': 'required',
    'ssl.principal.mapping.rules': 'RULE:^CN=([^,]+)$/$1/,DEFAULT',
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': 'User:ANONYMOUS',
  };
}

/**
 * The agents of a secured broker, over HTTPS with basic authentication: the JMX exporter's config (the lab's,
 * with an `httpServer` section) and Jolokia's options in a properties file (so no secret is on a command line).
 */
export function securedAgentConfigs(
  dir: string,
  security: LabSecurity,
): { jmxConfig: string; jolokiaConfig: string } {
  const tlsDir = join(dir, 'tls');
  const jmxConfig = join(tlsDir, 'jmx-exporter.yml');
  writeFileSync(
    jmxConfig,
    `${readFileSync(join(labResources, 'jmx-exporter.yml'), 'utf8')}
httpServer:
  authentication:
    basic:
      username: ${security.agentUser}
      password: ${security.agentPassword}
  ssl:
    keyStore:
      filename: ${security.keystore}
      password: ${security.storePassword}
    certificate:
      alias: broker
`,
    { mode: 0o600 },
  );
  const jolokiaConfig = join(tlsDir, 'jolokia.properties');
  writeFileSync(
    jolokiaConfig,
    [
      'protocol=https',
      `keystore=${security.keystore}`,
      `keystorePassword=${security.storePassword}`,
      `user=${security.agentUser}`,
      `password=${security.agentPassword}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return { jmxConfig, jolokiaConfig };
}

/**
 * Makes the collector's SCRAM user through the admin API (Kafka's own `kafka-configs`, AlterUserScramCredentials)
 * and grants it `lookoutGrants` (CreateAcls), over the PLAINTEXT listener at `bootstrap`.
 */
export async function grantLookout(bootstrap: string[], security: LabSecurity): Promise<void> {
  await runKafkaTool('kafka.admin.ConfigCommand', [
    '--bootstrap-server',
    bootstrap.join(','),
    '--alter',
    '--add-config',
    `SCRAM-SHA-512=[iterations=4096,password=${security.password}]`,
    '--entity-type',
    'users',
    '--entity-name',
    security.user,
  ]);
  const admin = createKafka({ brokers: bootstrap, clientId: 'lookout-lab' }).admin();
  await admin.connect();
  try {
    await admin.createAcls({ acl: aclEntries(lookoutGrants) });
  } finally {
    await admin.disconnect();
  }
}
