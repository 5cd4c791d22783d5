import { accessSync, constants } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { envChecker, envName, influxConnectionFields } from '../../model/src/config-fields.ts';
import { deepFreeze, parseConfigText, readConfigText } from '../../model/src/config-file.ts';
import type { ConfigCheck, ConfigResult } from '../../model/src/config-file.ts';
import { durationSchema as duration } from '../../model/src/duration.ts';
import { cronIntervalMessage, isCronInterval } from '../../model/src/schedule.ts';

const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port');

/** How the collector checks a server's certificate: against `ca_file` (PEM), or the system's CAs. */
const tlsTrust = {
  ca_file: z.string().min(1).optional(),
  insecure_skip_verify: z.boolean().default(false),
};

/**
 * A JMX exporter's, Jolokia agent's or node_exporter's endpoint on each broker host: its port (unless every
 * broker lists its URL), and the TLS and basic authentication it wants (the password from the environment).
 */
const endpoint = z
  .object({
    port: z.number().int().min(1).max(65535).optional(),
    path: z.string().startsWith('/').optional(),
    scheme: z.enum(['http', 'https']).default('http'),
    basic_auth: z
      .object({ username: z.string().min(1), password_env: envName })
      .strict()
      .optional(),
    tls: z.object(tlsTrust).strict().optional(),
  })
  .strict();

/** How to reach a Kafka cluster: its bootstrap list, SASL and TLS (`cert_file` and `key_file` for mutual TLS). */
const kafkaAccess = {
  bootstrap: z.array(hostPort).min(1),
  client_id: z.string().default('lookout-collector'),
  sasl: z
    .object({
      mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
      username: z.string().min(1),
      password_env: envName,
    })
    .strict()
    .optional(),
  tls: z
    .object({
      ...tlsTrust,
      cert_file: z.string().min(1).optional(),
      key_file: z.string().min(1).optional(),
      key_password_env: envName.optional(),
    })
    .strict()
    .optional(),
};

const broker = z
  .object({
    id: z.number().int().min(0),
    host: z.string().min(1),
    jmx_url: z.url().optional(),
    jolokia_url: z.url().optional(),
    node_exporter_url: z.url().optional(),
  })
  .strict();

const cluster = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only'),
    ...kafkaAccess,
    /**
     * This cluster's own InfluxDB (a shard: OSS 1.x does not cluster), instead of the top-level one; retention as
     * the top level says. Run an alerter per shard.
     */
    influx: z.object(influxConnectionFields).strict().optional(),
    brokers: z.array(broker).min(1),
    jmx: endpoint.optional(),
    /** JMX exporter metric names to keep beyond the catalog (as `jmx_extra`): exact, or a prefix ending in `*`. */
    keep: z
      .array(z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*\*?$/, 'a metric name, or a prefix ending in *'))
      .default([]),
    jolokia: endpoint.optional(),
    /** The node_exporter on each broker's host (CPU, memory, swap, disk, network): `host` in the catalog. */
    node_exporter: endpoint.optional(),
    /** Consumer lag: how many record timestamps a cycle may read for `exact` lag in seconds (0: none). */
    lag: z
      .object({ exact_budget: z.number().int().min(0).max(100_000).default(1000) })
      .strict()
      .prefault({}),
    /**
     * Each broker asked directly for its broker list every `interval`, within `timeout`: a crash, a hang and a
     * planned restart told apart in seconds (docs/adr/0004-crash-or-planned-stop.md).
     */
    liveness: z
      .object({ interval: duration.default(2_000), timeout: duration.default(1_500) })
      .strict()
      .prefault({}),
    /** How long a broker may be away after a controlled shutdown before it is overdue (and pages). */
    restart_grace: duration.default(300_000),
    /**
     * The synthetic probe: a managed topic with a partition on each broker, a record to each every
     * `interval`, read back; a record slower than `sla` end to end is delayed, one not back within `lost_after`
     * is lost.
     */
    probe: z
      .object({
        enabled: z.boolean().default(true),
        topic: z
          .string()
          .regex(/^[A-Za-z0-9._-]{1,249}$/, 'a Kafka topic name')
          .default('__lookout_probe'),
        interval: duration.default(500),
        sla: duration.default(1_000),
        lost_after: duration.default(10_000),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** The collector's YAML configuration, as parsed (durations in ms). */
export const collectorConfigSchema = z
  .object({
    influx: z
      .object({
        ...influxConnectionFields,
        retention: z
          .object({
            raw: duration.default(7 * 86_400_000),
            downsample: z.array(z.object({ every: duration, keep: duration }).strict()).default([]),
          })
          .strict()
          .default({ raw: 7 * 86_400_000, downsample: [] }),
      })
      .strict(),
    spool: z
      .object({
        dir: z.string().min(1),
        max_bytes: z
          .number()
          .int()
          .min(1_048_576)
          .default(256 * 2 ** 20),
      })
      .strict(),
    schedule: z
      .object({ interval: duration.default(15_000), timeout: duration.default(10_000) })
      .strict()
      .default({
        interval: 15_000,
        timeout: 10_000,
      }),
    listen: hostPort.default('127.0.0.1:9309'),
    /** The tenants catalog (YAML): the `tenant` tag of consumer-group series. */
    tenants: z.string().min(1).optional(),
    clusters: z.array(cluster).min(1),
    /**
     * A collector fleet: every collector with this config joins `group` on this Kafka cluster (one of the monitored
     * ones or its own), and the work units (each cluster's Kafka sources, each broker's agents, each host) are
     * shared out through the group as the partitions of `topic`, one unit each.
     */
    coordination: z
      .object({
        ...kafkaAccess,
        client_id: z.string().default('lookout-fleet'),
        group: z
          .string()
          .regex(/^[A-Za-z0-9._-]{1,200}$/, 'a consumer group name')
          .default('lookout-collectors'),
        topic: z
          .string()
          .regex(/^[A-Za-z0-9._-]{1,249}$/, 'a Kafka topic name')
          .default('__lookout_fleet'),
        /** A member not heard from within this is out, and its units go to the others (Kafka's 6 s to 5 min). */
        session_timeout: duration.default(10_000),
        /** This collector's name in the fleet (default: host name and pid). */
        member: z.string().min(1).max(100).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** The collector's configuration. */
export type CollectorConfig = z.output<typeof collectorConfigSchema>;

/** The per-broker agents a cluster may name, each an `endpoint`. */
const agentKinds = ['jmx', 'jolokia', 'node_exporter'] as const;

/** The TLS files a section names that cannot be read (relative to `baseDir`, the config file's folder). */
function tlsFileProblems(
  tls: { ca_file?: string; cert_file?: string; key_file?: string } | undefined,
  path: (string | number)[],
  baseDir: string,
): { path: (string | number)[]; message: string }[] {
  if (tls === undefined) return [];
  return (['ca_file', 'cert_file', 'key_file'] as const).flatMap((key) => {
    const file = tls[key];
    if (file === undefined) return [];
    try {
      accessSync(resolve(baseDir, file), constants.R_OK);
      return [];
    } catch {
      return [{ path: [...path, key], message: `cannot read ${file}` }];
    }
  });
}

/** Cross-checks the schema cannot express, and secrets present in `env`; every one reported with its path. */
const crossChecks =
  (env: NodeJS.ProcessEnv, baseDir: string): ConfigCheck<CollectorConfig> =>
  (config) => {
    const problems: { path: (string | number)[]; message: string }[] = [];
    const needEnv = envChecker(env, problems);
    needEnv(config.influx.password_env, ['influx', 'password_env']);
    const fleet = config.coordination;
    if (fleet !== undefined) {
      needEnv(fleet.sasl?.password_env, ['coordination', 'sasl', 'password_env']);
      needEnv(fleet.tls?.key_password_env, ['coordination', 'tls', 'key_password_env']);
      problems.push(...tlsFileProblems(fleet.tls, ['coordination', 'tls'], baseDir));
      if (fleet.session_timeout < 6_000 || fleet.session_timeout > 300_000)
        problems.push({
          path: ['coordination', 'session_timeout'],
          message: "must be within Kafka's group session bounds, 6s to 5m",
        });
    }
    config.clusters.forEach((c, i) => {
      const at = ['clusters', i];
      needEnv(c.sasl?.password_env, [...at, 'sasl', 'password_env']);
      needEnv(c.tls?.key_password_env, [...at, 'tls', 'key_password_env']);
      problems.push(...tlsFileProblems(c.tls, [...at, 'tls'], baseDir));
      if ((c.tls?.cert_file === undefined) !== (c.tls?.key_file === undefined))
        problems.push({
          path: [...at, 'tls', c.tls?.cert_file === undefined ? 'key_file' : 'cert_file'],
          message: 'mutual TLS needs both cert_file and key_file',
        });
      needEnv(c.influx?.password_env, [...at, 'influx', 'password_env']);
      for (const kind of agentKinds) {
        const agent = c[kind];
        if (agent === undefined) continue;
        needEnv(agent.basic_auth?.password_env, [...at, kind, 'basic_auth', 'password_env']);
        problems.push(...tlsFileProblems(agent.tls, [...at, kind, 'tls'], baseDir));
        if (agent.tls !== undefined && agent.scheme !== 'https')
          problems.push({ path: [...at, kind, 'tls'], message: 'tls needs scheme: https' });
        const listed = `${kind}_url` as const;
        const unlisted = c.brokers.findIndex((b) => b[listed] === undefined);
        if (agent.port === undefined && unlisted >= 0)
          problems.push({
            path: [...at, kind],
            message: `needs a port: broker ${c.brokers[unlisted]?.id} lists no ${listed}`,
          });
      }
    });
    const { interval, timeout } = config.schedule;
    if (timeout >= interval)
      problems.push({ path: ['schedule', 'timeout'], message: 'must be shorter than schedule.interval' });
    if (!isCronInterval(interval))
      problems.push({ path: ['schedule', 'interval'], message: cronIntervalMessage });
    for (const [i, r] of config.influx.retention.downsample.entries()) {
      if (r.keep < 3_600_000)
        problems.push({
          path: ['influx', 'retention', 'downsample', i, 'keep'],
          message: 'InfluxDB keeps at least 1h',
        });
    }
    if (config.influx.retention.raw < 3_600_000)
      problems.push({ path: ['influx', 'retention', 'raw'], message: 'InfluxDB keeps at least 1h' });
    const names = new Set<string>();
    config.clusters.forEach((c, ci) => {
      if (c.liveness.timeout >= c.liveness.interval)
        problems.push({
          path: ['clusters', ci, 'liveness', 'timeout'],
          message: 'must be shorter than liveness.interval',
        });
      if (!isCronInterval(c.liveness.interval))
        problems.push({ path: ['clusters', ci, 'liveness', 'interval'], message: cronIntervalMessage });
      if (names.has(c.name))
        problems.push({ path: ['clusters', ci, 'name'], message: `cluster '${c.name}' is named twice` });
      names.add(c.name);
      const ids = new Set<number>();
      c.brokers.forEach((b, bi) => {
        if (ids.has(b.id))
          problems.push({
            path: ['clusters', ci, 'brokers', bi, 'id'],
            message: `broker id ${b.id} appears twice`,
          });
        ids.add(b.id);
      });
    });
    return problems;
  };

/** Reads and checks a collector config file (secrets looked up in `env`); every error has file:line. */
export function loadCollectorConfig(file: string, env: NodeJS.ProcessEnv): ConfigResult<CollectorConfig> {
  const read = readConfigText(file);
  if (!read.ok) return read;
  const baseDir = dirname(file);
  const result = parseConfigText(read.text, file, collectorConfigSchema, crossChecks(env, baseDir));
  if (!result.ok) return result;
  // Relative paths (the tenants catalog, TLS files) are relative to the config file, not to wherever the
  // collector was started.
  const at = (path: string | undefined): string | undefined =>
    path === undefined ? undefined : resolve(baseDir, path);
  const value = result.value;
  const withKafkaTls = <T extends { tls?: { ca_file?: string; cert_file?: string; key_file?: string } }>(
    section: T,
  ): T =>
    section.tls === undefined
      ? section
      : {
          ...section,
          tls: {
            ...section.tls,
            ...definedOnly({
              ca_file: at(section.tls.ca_file),
              cert_file: at(section.tls.cert_file),
              key_file: at(section.tls.key_file),
            }),
          },
        };
  const withTls = <T extends { tls?: { ca_file?: string } } | undefined>(section: T): T =>
    section?.tls === undefined
      ? section
      : { ...section, tls: { ...section.tls, ...definedOnly({ ca_file: at(section.tls.ca_file) }) } };
  return {
    ok: true,
    value: deepFreeze({
      ...value,
      ...definedOnly({ tenants: at(value.tenants) }),
      ...(value.coordination === undefined ? {} : { coordination: withKafkaTls(value.coordination) }),
      clusters: value.clusters.map((c) => ({
        ...withKafkaTls(c),
        ...definedOnly({
          jmx: withTls(c.jmx),
          jolokia: withTls(c.jolokia),
          node_exporter: withTls(c.node_exporter),
        }),
      })),
    }),
  };
}

/** `fields` without its undefined entries (so an optional field stays absent, not `undefined`). */
function definedOnly<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}
