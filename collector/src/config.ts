import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { envChecker, envName, influxConnectionFields } from '../../model/src/config-fields.ts';
import { parseConfigText, readConfigText } from '../../model/src/config-file.ts';
import type { ConfigCheck, ConfigResult } from '../../model/src/config-file.ts';
import { durationSchema as duration } from '../../model/src/duration.ts';
import { cronIntervalMessage, isCronInterval } from '../../model/src/schedule.ts';

const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port');

const endpoint = z
  .object({
    port: z.number().int().min(1).max(65535),
    path: z.string().startsWith('/').optional(),
    scheme: z.enum(['http', 'https']).default('http'),
  })
  .strict();

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
      .object({ ca_file: z.string().optional(), insecure_skip_verify: z.boolean().default(false) })
      .strict()
      .optional(),
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
  })
  .strict();

/** The collector's configuration. */
export type CollectorConfig = z.output<typeof collectorConfigSchema>;

/** Cross-checks the schema cannot express, and secrets present in `env`; every one reported with its path. */
const crossChecks =
  (env: NodeJS.ProcessEnv): ConfigCheck<CollectorConfig> =>
  (config) => {
    const problems: { path: (string | number)[]; message: string }[] = [];
    const needEnv = envChecker(env, problems);
    needEnv(config.influx.password_env, ['influx', 'password_env']);
    config.clusters.forEach((c, i) => needEnv(c.sasl?.password_env, ['clusters', i, 'sasl', 'password_env']));
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
  const result = parseConfigText(read.text, file, collectorConfigSchema, crossChecks(env));
  if (!result.ok || result.value.tenants === undefined) return result;
  // A relative tenants path is relative to the config file, not to wherever the collector was started.
  return {
    ok: true,
    value: Object.freeze({ ...result.value, tenants: resolve(dirname(file), result.value.tenants) }),
  };
}
