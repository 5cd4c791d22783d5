import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { influxConnectionFields } from '../../model/src/config-fields.ts';
import { parseConfigText, readConfigText } from '../../model/src/config-file.ts';
import type { ConfigCheck, ConfigError, ConfigResult } from '../../model/src/config-file.ts';
import { durationSchema as duration } from '../../model/src/duration.ts';
import { cronIntervalMessage, isCronInterval } from '../../model/src/schedule.ts';
import { loadTenantsFile } from '../../model/src/tenants.ts';
import type { TenantsCatalog } from '../../model/src/tenants.ts';
import { loadRules } from '../../rules/src/load.ts';
import type { Rule } from '../../rules/src/schema.ts';

/** The alerter's YAML configuration, as parsed (durations in ms, paths as written). */
export const alerterConfigSchema = z
  .object({
    influx: z
      .object({
        ...influxConnectionFields,
        timeout: duration.default(10_000),
      })
      .strict(),
    /** Rule files and folders (relative to this file). */
    rules: z.array(z.string().min(1)).min(1),
    /** The tenants catalog: tenant thresholds (and, with routing, their contacts). */
    tenants: z.string().min(1).optional(),
    evaluation: z
      .object({
        interval: duration.default(15_000),
        /** Also evaluate as soon as the collector's newest data lands (polled this often; 0 turns it off). */
        watch_collector: duration.default(1_000),
        /** Read raw points into a window cache and reduce them here (true), or send each rule's InfluxQL. */
        window_cache: z.boolean().default(true),
      })
      .strict()
      .default({ interval: 15_000, watch_collector: 1_000, window_cache: true }),
    state: z.object({ path: z.string().min(1) }).strict(),
    listen: z
      .string()
      .regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port')
      .default('127.0.0.1:9310'),
    /** Per-rule changes of an install: its own grace (`for`), `keep_firing_for`, or `disabled: true`. */
    overrides: z
      .record(
        z.string(),
        z
          .object({
            for: duration.optional(),
            keep_firing_for: duration.optional(),
            disabled: z.boolean().optional(),
          })
          .strict(),
      )
      .default({}),
  })
  .strict();

/** The alerter's configuration. */
export type AlerterConfig = z.output<typeof alerterConfigSchema>;

/** A loaded alerter: its config, its rules, its tenants. */
export interface AlerterSetup {
  config: AlerterConfig;
  rules: Rule[];
  tenants?: TenantsCatalog;
  password?: string;
}

const checks =
  (env: NodeJS.ProcessEnv): ConfigCheck<AlerterConfig> =>
  (config) => {
    const problems: { path: (string | number)[]; message: string }[] = [];
    const secret = config.influx.password_env;
    if (secret !== undefined && (env[secret] ?? '') === '')
      problems.push({
        path: ['influx', 'password_env'],
        message: `environment variable ${secret} is not set`,
      });
    return problems;
  };

/**
 * Reads an alerter config, then the rules and tenants it names (relative to it), and checks that every
 * override names a rule; every error of every file, each with file:line.
 */
export function loadAlerterSetup(file: string, env: NodeJS.ProcessEnv): ConfigResult<AlerterSetup> {
  const read = readConfigText(file);
  if (!read.ok) return read;
  const parsed = parseConfigText(read.text, file, alerterConfigSchema, checks(env));
  if (!parsed.ok) return parsed;
  const here = dirname(file);
  const config: AlerterConfig = {
    ...parsed.value,
    rules: parsed.value.rules.map((r) => resolve(here, r)),
    ...(parsed.value.tenants === undefined ? {} : { tenants: resolve(here, parsed.value.tenants) }),
    state: { path: resolve(here, parsed.value.state.path) },
  };
  const errors: ConfigError[] = [];
  const at = (path: (string | number)[]) => ({ file, ...(parsed.locate?.(path) ?? { line: 1, column: 1 }) });
  if (!isCronInterval(config.evaluation.interval))
    errors.push({
      ...at(['evaluation', 'interval']),
      message: `evaluation.interval: ${cronIntervalMessage}`,
    });
  const loaded = loadRules(config.rules);
  errors.push(...loaded.errors);
  const names = new Set(loaded.rules.map((r) => r.alert));
  for (const name of Object.keys(config.overrides))
    if (loaded.errors.length === 0 && !names.has(name)) {
      errors.push({ ...at(['overrides', name]), message: `overrides.${name}: no rule is named ${name}` });
    }
  let tenants: TenantsCatalog | undefined;
  if (config.tenants !== undefined) {
    const t = loadTenantsFile(config.tenants);
    if (t.ok) tenants = t.value;
    else errors.push(...t.errors);
  }
  if (errors.length > 0) return { ok: false, errors };
  const secret = config.influx.password_env;
  return {
    ok: true,
    value: {
      config,
      rules: loaded.rules,
      ...(tenants === undefined ? {} : { tenants }),
      ...(secret === undefined ? {} : { password: env[secret] }),
    },
  };
}
