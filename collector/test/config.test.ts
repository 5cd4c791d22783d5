import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatConfigErrors } from '../../model/src/config-file.ts';
import { jmxMetrics } from '../../model/src/jmx.ts';
import { loadCollectorConfig } from '../src/config.ts';
import { buildNameIndex } from '../src/jmx-names.ts';
import { sourcesOf } from '../src/targets.ts';

const dir = mkdtempSync(join(tmpdir(), 'lookout-config-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const good = `influx:
  url: http://127.0.0.1:8086
  database: lookout
  retention:
    raw: 7d
    downsample:
      - { every: 5m, keep: 90d }
spool:
  dir: /var/lib/lookout/spool
schedule:
  interval: 15s
  timeout: 10s
clusters:
  - name: prod-eu
    bootstrap: [kafka-1:9092, kafka-2:9092]
    sasl: { mechanism: scram-sha-512, username: lookout, password_env: KAFKA_PASSWORD }
    brokers:
      - { id: 1, host: kafka-1 }
      - { id: 2, host: kafka-2 }
    jmx: { port: 7071 }
    jolokia: { port: 8778, path: /jolokia/ }
`;

describe('collector config', () => {
  it('parses a good file into frozen, typed values with durations in ms', () => {
    const result = loadCollectorConfig(file('good.yaml', good), { KAFKA_PASSWORD: 's3cret' });
    if (!result.ok) throw new Error(formatConfigErrors(result.errors));
    expect(result.value.schedule).toEqual({ interval: 15_000, timeout: 10_000 });
    expect(result.value.influx.retention.downsample).toEqual([{ every: 300_000, keep: 7_776_000_000 }]);
    expect(result.value.clusters[0]?.client_id).toBe('lookout-collector');
    expect(Object.isFrozen(result.value.clusters[0]?.brokers)).toBe(true);
  });

  it('reports every error with its file, line and column, not only the first', () => {
    const bad = good
      .replace('interval: 15s', 'interval: 7s')
      .replace('timeout: 10s', 'timeout: 1x')
      .replace('{ id: 2, host: kafka-2 }', '{ id: 2, host: kafka-2, colour: red }')
      .replace('kafka-2:9092]', 'kafka-2]');
    const path = file('bad.yaml', bad);
    const result = loadCollectorConfig(path, { KAFKA_PASSWORD: 'x' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(formatConfigErrors(result.errors).split('\n')).toEqual([
      `${path}:12:12: schedule.timeout: expected a duration like 15s, 5m, 7d`,
      `${path}:15:31: clusters.0.bootstrap.1: expected host:port`,
      `${path}:19:33: clusters.0.brokers.1: unknown key "colour"; allowed here: host, id, jmx_url, jolokia_url, node_exporter_url`,
    ]);
  });

  it('reports cross-reference errors and missing secrets with their lines once the schema passes', () => {
    const bad = good
      .replace('interval: 15s', 'interval: 7s')
      .replace('{ id: 2, host: kafka-2 }', '{ id: 1, host: kafka-2 }');
    const path = file('cross.yaml', bad);
    const result = loadCollectorConfig(path, {});
    if (result.ok) throw new Error('expected errors');
    expect(formatConfigErrors(result.errors).split('\n')).toEqual([
      `${path}:11:13: schedule.interval: must divide a minute (1s…30s) or an hour (1m…30m)`,
      `${path}:12:12: schedule.timeout: must be shorter than schedule.interval`,
      `${path}:16:72: clusters.0.sasl.password_env: environment variable KAFKA_PASSWORD is not set`,
      `${path}:19:15: clusters.0.brokers.1.id: broker id 1 appears twice`,
    ]);
  });

  it('reports YAML syntax errors and unreadable files with a location', () => {
    const broken = loadCollectorConfig(file('broken.yaml', 'influx:\n  url: [unclosed\n'), {});
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.errors[0]?.file).toContain('broken.yaml');
    const missing = loadCollectorConfig(join(dir, 'nope.yaml'), {});
    expect(!missing.ok && missing.errors[0]?.message).toContain('cannot read');
  });
});

describe('sourcesOf', () => {
  it('builds, per cluster, the admin and log-dir sources and each broker’s JMX and Jolokia targets', () => {
    const two = good.replace(
      'clusters:\n',
      'clusters:\n  - name: dev\n    bootstrap: [dev-1:9092]\n    brokers: [{ id: 7, host: dev-1, jmx_url: "http://dev-1:9999/metrics" }]\n',
    );
    const result = loadCollectorConfig(file('two.yaml', two), { KAFKA_PASSWORD: 'x' });
    if (!result.ok) throw new Error(formatConfigErrors(result.errors));
    const { sources } = sourcesOf(
      result.value,
      { KAFKA_PASSWORD: 'x' },
      buildNameIndex(jmxMetrics),
      jmxMetrics,
    );
    expect(sources.map((s) => `${s.cluster} ${s.kind} ${s.target}`)).toEqual([
      'dev liveness liveness dev-1:9092',
      'dev admin admin dev-1:9092',
      'dev disk log dirs dev-1:9092',
      'dev lag consumer groups dev-1:9092',
      'dev probe probe __lookout_probe',
      'dev jmx broker 7 dev-1:9999',
      'prod-eu liveness liveness kafka-1:9092,kafka-2:9092',
      'prod-eu admin admin kafka-1:9092,kafka-2:9092',
      'prod-eu disk log dirs kafka-1:9092,kafka-2:9092',
      'prod-eu lag consumer groups kafka-1:9092,kafka-2:9092',
      'prod-eu probe probe __lookout_probe',
      'prod-eu jmx broker 1 kafka-1:7071',
      'prod-eu jolokia broker 1 kafka-1:8778',
      'prod-eu jmx broker 2 kafka-2:7071',
      'prod-eu jolokia broker 2 kafka-2:8778',
    ]);
  });
});

describe('collector config: TLS, SASL and authenticated agents', () => {
  const pem = file('ca.pem', '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');
  const secured = (cluster: string): string =>
    good.replace('    jmx: { port: 7071 }\n', `${cluster}    jmx: { port: 7071 }\n`);

  it('resolves TLS files relative to the config file and reads agent passwords from the environment', () => {
    const text = secured(`    tls: { ca_file: ca.pem, cert_file: ca.pem, key_file: ca.pem }\n`).replace(
      'jolokia: { port: 8778, path: /jolokia/ }',
      'jolokia: { port: 8778, scheme: https, basic_auth: { username: lookout, password_env: AGENT_PASSWORD }, tls: { ca_file: ca.pem } }',
    );
    const result = loadCollectorConfig(file('tls.yaml', text), { KAFKA_PASSWORD: 'k', AGENT_PASSWORD: 'a' });
    if (!result.ok) throw new Error(formatConfigErrors(result.errors));
    const cluster = result.value.clusters[0];
    expect(cluster?.tls).toEqual({
      ca_file: pem,
      cert_file: pem,
      key_file: pem,
      insecure_skip_verify: false,
    });
    expect(cluster?.jolokia?.tls?.ca_file).toBe(pem);
    expect(Object.isFrozen(cluster?.tls)).toBe(true);
  });

  it('refuses half a client certificate, unreadable files, unset secrets, TLS without https and an agent with no port', () => {
    const text = secured(
      `    tls: { cert_file: ca.pem, ca_file: missing.pem, key_password_env: KEY_PASSWORD }\n`,
    ).replace(
      'jolokia: { port: 8778, path: /jolokia/ }',
      'jolokia: { basic_auth: { username: lookout, password_env: AGENT_PASSWORD }, tls: { ca_file: ca.pem } }',
    );
    const path = file('tls-bad.yaml', text);
    const result = loadCollectorConfig(path, { KAFKA_PASSWORD: 'k' });
    if (result.ok) throw new Error('expected errors');
    const lines = formatConfigErrors(result.errors).split('\n');
    for (const want of [
      ':20:71: clusters.0.tls.key_password_env: environment variable KEY_PASSWORD is not set',
      ':20:40: clusters.0.tls.ca_file: cannot read missing.pem',
      ':20:23: clusters.0.tls.cert_file: mutual TLS needs both cert_file and key_file',
      ':22:63: clusters.0.jolokia.basic_auth.password_env: environment variable AGENT_PASSWORD is not set',
      ':22:86: clusters.0.jolokia.tls: tls needs scheme: https',
      ':22:14: clusters.0.jolokia: needs a port: broker 1 lists no jolokia_url',
    ])
      expect(lines).toContain(`${path}${want}`);
    expect(lines).toHaveLength(6);
  });
});

describe('collector config: a fleet', () => {
  it('reads the coordination section with its defaults, and refuses a session timeout Kafka would', () => {
    const fleet = `${good}coordination: { bootstrap: [kafka-1:9092] }\n`;
    const result = loadCollectorConfig(file('fleet.yaml', fleet), { KAFKA_PASSWORD: 'k' });
    if (!result.ok) throw new Error(formatConfigErrors(result.errors));
    expect(result.value.coordination).toEqual({
      bootstrap: ['kafka-1:9092'],
      client_id: 'lookout-fleet',
      group: 'lookout-collectors',
      topic: '__lookout_fleet',
      session_timeout: 10_000,
    });
    const path = file(
      'fleet-bad.yaml',
      `${good}coordination: { bootstrap: [kafka-1:9092], session_timeout: 2s }\n`,
    );
    const bad = loadCollectorConfig(path, { KAFKA_PASSWORD: 'k' });
    if (bad.ok) throw new Error('expected an error');
    expect(formatConfigErrors(bad.errors)).toBe(
      `${path}:22:61: coordination.session_timeout: must be within Kafka's group session bounds, 6s to 5m`,
    );
  });
});
