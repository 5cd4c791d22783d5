import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../collector/src/kafka/client.ts';
import type { Admin } from '../../collector/src/kafka/client.ts';
import { runCollector } from '../../collector/src/main.ts';
import { buildNameIndex } from '../../collector/src/jmx-names.ts';
import { connectInflux } from '../../collector/src/sink/influx.ts';
import { runSource } from '../../collector/src/source.ts';
import { sourcesOf } from '../../collector/src/targets.ts';
import type { CollectorConfig } from '../../collector/src/config.ts';
import { labCollectorConfig, labSecretNames, labSecretsEnv } from '../../lab/src/collector-config.ts';
import { stopLab } from '../../lab/src/control.ts';
import { aclEntries, lookoutGrants } from '../../lab/src/security.ts';
import { bootstrapOf, readState } from '../../lab/src/state.ts';
import type { LabState } from '../../lab/src/state.ts';
import { issueCert, makeCa } from '../../lab/src/tls.ts';
import { startLab } from '../../lab/src/up.ts';
import { jmxMetrics } from '../../model/src/jmx.ts';
import type { Sample } from '../../model/src/sample.ts';
import { until } from '../lab/lab.ts';

// A secured lab of its own (`lookout lab up --security`, as shipped): one broker with SASL_SSL (SCRAM-SHA-512)
// and SSL (mutual TLS) listeners from a throwaway CA, ACLs on with only `lookoutGrants` for User:lookout, the JMX
// exporter and Jolokia over HTTPS with basic authentication. The collector runs with the config `lookout collect
// --lab` gives it; each failure case changes one thing of it, named in its test.
describe('the collector on a secured cluster', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-secured-lab-'));
  let lab: LabState;
  let admin: Admin;
  const topic = 'secured.orders';
  const group = 'secured-reader';

  beforeAll(async () => {
    lab = await startLab({
      dir,
      brokers: 1,
      security: true,
      say: (line) => console.error(`[secured lab] ${line}`),
    });
    // The lab's own tools speak PLAINTEXT (a super user): a topic with 50 records and a group 10 records in.
    admin = createKafka({ brokers: bootstrapOf(lab), clientId: 'secured-test' }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const producer = createKafka({ brokers: bootstrapOf(lab), clientId: 'secured-test' }).producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 50 }, (_, i) => ({ value: `order ${i}` })) });
    await producer.disconnect();
    await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '10' }] });
  }, 120_000);

  afterAll(async () => {
    await admin?.disconnect();
    await stopLab(readState(dir) ?? lab, () => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  const env = (): NodeJS.ProcessEnv => ({ ...labSecretsEnv(lab) });
  const secrets = (): string[] => [
    lab.security?.password ?? '?',
    lab.security?.agentPassword ?? '?',
    lab.security?.storePassword ?? '?',
  ];

  /** Runs every source of `config` `cycles` times, a second apart (the probe needs a cycle to start), and returns the last cycle's samples. */
  async function collect(
    config: CollectorConfig,
    environment: NodeJS.ProcessEnv,
    cycles = 2,
  ): Promise<Sample[]> {
    const targets = sourcesOf(config, environment, buildNameIndex(jmxMetrics), jmxMetrics);
    try {
      let samples: Sample[] = [];
      for (let i = 0; i < cycles; i++) {
        if (i > 0) await new Promise((ok) => setTimeout(ok, 1_000));
        samples = (
          await Promise.all(targets.sources.map((s) => runSource(s, Date.now(), 8_000, Date.now)))
        ).flat();
      }
      return samples;
    } finally {
      await targets.close();
    }
  }
  /** A cluster config without its SASL section (the mutual-TLS listener wants a certificate, not a password). */
  const withoutSasl = (cluster: CollectorConfig['clusters'][number]): CollectorConfig['clusters'][number] =>
    Object.fromEntries(
      Object.entries(cluster).filter(([key]) => key !== 'sasl'),
    ) as CollectorConfig['clusters'][number];
  /** The cluster over the mutual-TLS listener, logging in with `client` (a certificate and its key). */
  const mtlsCluster = (
    cluster: CollectorConfig['clusters'][number],
    client: { cert: string; key: string },
  ): CollectorConfig['clusters'][number] => ({
    ...withoutSasl(cluster),
    bootstrap: lab.brokers.map((b) => `127.0.0.1:${b.sslPort}`),
    tls: {
      ca_file: lab.security?.ca.cert,
      cert_file: client.cert,
      key_file: client.key,
      insecure_skip_verify: false,
    },
  });
  const scrapes = (samples: Sample[]): Sample[] => samples.filter((s) => s.measurement === 'scrape');
  const scrapeOf = (samples: Sample[], source: string): Sample | undefined =>
    scrapes(samples).find((s) => s.tags.source === source);

  it('collects every source over SASL_SSL with SCRAM-SHA-512 and HTTPS agents, with only the least privilege; no secret in its log or /metrics', async () => {
    const database = 'secured';
    const config = { ...labCollectorConfig(lab, database, 2_000), listen: '127.0.0.1:0' };
    expect(config.clusters[0]?.bootstrap).toEqual(lab.brokers.map((b) => `127.0.0.1:${b.saslPort}`));
    const lines: string[] = [];
    const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
    const stop = new AbortController();
    const running = runCollector(config, env(), log, stop.signal);
    const influx = await connectInflux({ url: lab.influx.url, database });
    try {
      // Every source up at least once, the probe's records read back, the group's lag read.
      const up = await until('every source up over SASL_SSL', 40_000, async () => {
        const rows = await influx
          .query<{ source: string; up: number }>(`SELECT last("up") AS up FROM "scrape" GROUP BY "source"`)
          .catch(() => []);
        const bySource = new Map(rows.map((r) => [r.source, r.up]));
        const want = ['liveness', 'admin', 'disk', 'lag', 'probe', 'jmx', 'jolokia'];
        return want.every((s) => bySource.get(s) === 1) ? bySource : undefined;
      });
      expect([...up.keys()].sort()).toEqual(
        expect.arrayContaining(['admin', 'disk', 'jmx', 'jolokia', 'lag', 'liveness', 'probe']),
      );
      const lag = await until('the group lag', 20_000, async () => {
        const rows = await influx
          .query<{ lag: number }>(
            `SELECT last("lag_messages") AS lag FROM "consumer_lag" WHERE "group" = '${group}'`,
          )
          .catch(() => []);
        return rows[0];
      });
      expect(lag.lag).toBe(40);
      const probe = await until('probe records read back', 20_000, async () => {
        const rows = await influx
          .query<{ received: number }>(`SELECT sum("received") AS received FROM "probe"`)
          .catch(() => []);
        return (rows[0]?.received ?? 0) > 0 ? rows[0] : undefined;
      });
      expect(probe.received).toBeGreaterThan(0);
      const brokerRows = await influx.query<{ n: number }>(
        `SELECT count("usable_bytes") AS n FROM "log_dir"`,
      );
      expect(brokerRows[0]?.n).toBeGreaterThan(0);
      const listen = (
        JSON.parse(lines.find((l) => l.includes('collector running')) ?? '{}') as { listen?: string }
      ).listen;
      const metrics = await (await fetch(`http://${listen}/metrics`)).text();
      expect(metrics).toMatch(
        /lookout_collector_target_up\{cluster="lab",target="broker 1 [^"]+",source="jmx"\} 1/,
      );
      for (const secret of secrets()) {
        expect(lines.join('\n')).not.toContain(secret);
        expect(metrics).not.toContain(secret);
      }
    } finally {
      stop.abort();
      await running;
      await influx.dropDatabase(database);
    }
  }, 90_000);

  it('collects the Kafka sources over mutual TLS (a client certificate, CN=lookout, the same ACLs)', async () => {
    const security = lab.security!;
    const base = labCollectorConfig(lab);
    const mtls = mtlsCluster(base.clusters[0]!, security.client);
    const samples = await collect({ ...base, clusters: [mtls] }, env());
    for (const source of ['liveness', 'admin', 'disk', 'lag', 'probe'])
      expect({ source, ...scrapeOf(samples, source)?.fields }).toMatchObject({ source, up: 1 });
    const lag = samples.find((s) => s.measurement === 'consumer_lag' && s.tags.group === group);
    expect(lag?.fields).toMatchObject({ lag_messages: 40, lag_method: 'extrapolated' });
    // Read on the topics is beyond the least privilege: lag in seconds is extrapolated, and the scrape says why.
    expect(scrapeOf(samples, 'lag')?.fields).toMatchObject({
      errors: 0,
      note: "lag in seconds extrapolated on broker 1: reading the record at a group's position was refused (not authorized (TOPIC_AUTHORIZATION_FAILED) for certificate CN=lookout: the ACLs lack a privilege on a topic); grant Read on the topics for exact",
    });
  }, 60_000);

  /** The Kafka sources' scrapes under `config`: each failed within its deadline, with one plain line (no stack). */
  async function refusals(
    config: CollectorConfig,
    environment: NodeJS.ProcessEnv,
  ): Promise<Map<string, string>> {
    const started = Date.now();
    const samples = await collect(config, environment);
    expect(Date.now() - started).toBeLessThan(20_000);
    const out = new Map<string, string>();
    for (const source of ['liveness', 'admin', 'disk', 'lag', 'probe']) {
      const scrape = scrapeOf(samples, source);
      expect({ source, up: scrape?.fields.up }).toEqual({ source, up: 0 });
      expect(scrape?.tags.cluster).toBe('lab');
      const error = String(scrape?.fields.error);
      expect(error).not.toMatch(/\n\s+at /);
      for (const secret of [...secrets(), 'not-the-password']) expect(error).not.toContain(secret);
      out.set(source, error);
    }
    // Refused is not down: no broker is called crashed, so nothing pages KafkaBrokerDown for a wrong password.
    expect(samples.filter((s) => s.measurement === 'broker_status')).toEqual([]);
    return out;
  }

  it('a wrong SCRAM password: one clear error per source naming the cluster, the broker and the cause', async () => {
    const errors = await refusals(labCollectorConfig(lab), {
      ...env(),
      [labSecretNames.kafka]: 'not-the-password',
    });
    const sasl = `127.0.0.1:${lab.brokers[0]?.saslPort}`;
    for (const [source, error] of errors)
      expect(error, source).toMatch(
        new RegExp(
          `^cluster lab, .*broker ${sasl}: SASL authentication as lookout \\(SCRAM-SHA-512\\) failed: wrong password, or no such user$`,
        ),
      );
  }, 60_000);

  it('a broker certificate from a CA we do not trust', async () => {
    const rogue = makeCa(join(dir, 'rogue'), 'rogue-ca');
    const base = labCollectorConfig(lab);
    const cluster = { ...base.clusters[0]!, tls: { ca_file: rogue.cert, insecure_skip_verify: false } };
    const errors = await refusals({ ...base, clusters: [cluster] }, env());
    for (const [source, error] of errors)
      expect(error, source).toMatch(
        /^cluster lab, .*broker 127\.0\.0\.1:\d+: the broker's certificate is not trusted \(SELF_SIGNED_CERT_IN_CHAIN\): set tls\.ca_file to the CA that signed it$/,
      );
  }, 60_000);

  it('an expired client certificate on the mutual-TLS listener', async () => {
    const security = lab.security!;
    const expired = issueCert(security.ca, join(dir, 'tls'), 'expired-client', {
      cn: 'lookout',
      usage: 'client',
      days: -1,
    });
    const base = labCollectorConfig(lab);
    const mtls = mtlsCluster(base.clusters[0]!, expired);
    const errors = await refusals({ ...base, clusters: [mtls] }, env());
    for (const [source, error] of errors)
      expect(error, source).toMatch(
        /^cluster lab, .*broker 127\.0\.0\.1:\d+: the broker refused our client certificate \(TLS alert: certificate unknown\): our client certificate \(CN=lookout\) expired on /,
      );
  }, 60_000);

  /** Runs `use` with `operation` on `resource` taken from User:lookout's ACLs, and gives it back afterwards. */
  async function without<T>(
    resource: string,
    name: string,
    operation: string,
    use: () => Promise<T>,
  ): Promise<T> {
    const grant = lookoutGrants.find((g) => g.resource === resource && g.name === name);
    if (grant === undefined) throw new Error(`no grant on ${resource} ${name}`);
    const entries = aclEntries([{ ...grant, operations: [operation as never] }]);
    await admin.deleteAcls({ filters: entries });
    try {
      return await use();
    } finally {
      await admin.createAcls({ acl: entries });
    }
  }

  it('a missing ACL says which privilege is missing, and the other sources keep working', async () => {
    const config = labCollectorConfig(lab);
    // Describe on the cluster: the log dirs.
    const noCluster = await without('cluster', 'kafka-cluster', 'Describe', () =>
      until('the refusal to be seen', 15_000, async () => {
        const samples = await collect(config, env(), 1);
        return scrapeOf(samples, 'disk')?.fields.up === 0 ? samples : undefined;
      }),
    );
    expect(scrapeOf(noCluster, 'disk')?.fields.error).toBe(
      'broker 1: not authorized (CLUSTER_AUTHORIZATION_FAILED) for lookout: the ACLs lack Describe on the cluster',
    );
    for (const source of ['liveness', 'admin', 'lag', 'jmx', 'jolokia'])
      expect({ source, up: scrapeOf(noCluster, source)?.fields.up }).toEqual({ source, up: 1 });

    // Write on the probe topic: the probe fails with why, and no produce counts against the broker.
    const noWrite = await without('topic', '__lookout_probe', 'Write', () => collect(config, env(), 4));
    expect(scrapeOf(noWrite, 'probe')?.fields.up).toBe(0);
    expect(scrapeOf(noWrite, 'probe')?.fields.error).toBe(
      'cluster lab, probe topic __lookout_probe: not authorized (TOPIC_AUTHORIZATION_FAILED) for lookout: the ACLs lack a privilege on a topic',
    );
    expect(noWrite.filter((s) => s.measurement === 'probe' && Number(s.fields.produce_errors) > 0)).toEqual(
      [],
    );
  }, 90_000);

  it('the agents over HTTPS: a wrong password, an untrusted CA and plain HTTP each say why', async () => {
    const base = labCollectorConfig(lab);
    const cluster = base.clusters[0]!;
    const only = (c: typeof cluster): CollectorConfig => ({ ...base, clusters: [c] });
    const agentScrapes = async (config: CollectorConfig, environment: NodeJS.ProcessEnv) =>
      scrapes(await collect(config, environment, 1)).filter(
        (s) => s.tags.source === 'jmx' || s.tags.source === 'jolokia',
      );

    const wrong = await agentScrapes(only(cluster), {
      ...env(),
      [labSecretNames.agents]: 'not-the-password',
    });
    expect(wrong.map((s) => [s.tags.source, s.fields.up, s.fields.error])).toEqual([
      ['jmx', 0, 'HTTP 401: the agent refused user lookout (wrong password?)'],
      ['jolokia', 0, 'HTTP 401: the agent refused user lookout (wrong password?)'],
    ]);
    const rogue = makeCa(join(dir, 'rogue-agents'), 'rogue-ca');
    const untrusted = {
      ...cluster,
      jmx: { ...cluster.jmx!, tls: { ca_file: rogue.cert, insecure_skip_verify: false } },
    };
    const [jmx] = await agentScrapes(only(untrusted), env());
    expect(jmx?.fields.error).toBe(
      'unreachable (its certificate chains to a CA we do not trust (set tls.ca_file): SELF_SIGNED_CERT_IN_CHAIN)',
    );
    const plain = {
      ...cluster,
      brokers: cluster.brokers.map((b) => ({ ...b, jmx_url: b.jmx_url?.replace('https:', 'http:') })),
    };
    const [overHttp] = await agentScrapes(only(plain), env());
    expect(overHttp?.fields.up).toBe(0);
    expect(String(overHttp?.fields.error)).toMatch(/^(unreachable|HTTP 400)/);
  }, 60_000);
});
