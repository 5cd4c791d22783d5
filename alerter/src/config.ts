import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { envChecker, envName, influxConnectionFields } from '../../model/src/config-fields.ts';
import { parseConfigText, readConfigText } from '../../model/src/config-file.ts';
import type { ConfigCheck, ConfigError, ConfigResult } from '../../model/src/config-file.ts';
import { durationSchema as duration } from '../../model/src/duration.ts';
import { cronIntervalMessage, isCronInterval } from '../../model/src/schedule.ts';
import { loadTenantsFile } from '../../model/src/tenants.ts';
import { tenantThresholdNames } from '../../rules/src/tenant-thresholds.ts';
import type { TenantsCatalog } from '../../model/src/tenants.ts';
import { loadRules } from '../../rules/src/load.ts';
import type { Rule } from '../../rules/src/schema.ts';
import { deliveryFields, httpUrl } from './notify/config.ts';
import { defaultRoute, routingFields } from './route/config.ts';
import { buildTree, receiversOf } from './route/tree.ts';

/** The alerter's YAML configuration, as parsed (durations in ms, paths as written). */
/** Routing and notification: receivers, the routing tree, inhibition, platform incidents, delivery. */
export const notifySchema = z.object({ ...deliveryFields, ...routingFields }).strict();

/** The notify section as parsed. */
export type NotifyConfig = z.output<typeof notifySchema>;

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
    /**
     * The address people and receivers open the page at (behind a proxy, a DNS name): every link in emails,
     * pages, webhooks and the API is absolute over it. Default: http://LISTEN (the host name for 0.0.0.0).
     */
    public_url: httpUrl.optional(),
    /** Routing and notification (receivers, routing tree, inhibition, delivery); without it nothing is sent. */
    notify: notifySchema.optional(),
    api: z
      .object({
        /** The operator token (reads everything, writes silences), from this environment variable. */
        operator_token_env: envName.optional(),
      })
      .strict()
      .default({}),
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
  /** Secrets named by `*_env` fields, read from the environment at load (never logged). */
  secrets: { operatorToken?: string; smtpPassword?: string; routingKeys: Record<string, string> };
}

const loopback = (listen: string): boolean => /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]|::1):\d+$/.test(listen);

const checks =
  (env: NodeJS.ProcessEnv): ConfigCheck<AlerterConfig> =>
  (config) => {
    const problems: { path: (string | number)[]; message: string }[] = [];
    const needEnv = envChecker(env, problems);
    needEnv(config.influx.password_env, ['influx', 'password_env']);
    needEnv(config.api.operator_token_env, ['api', 'operator_token_env']);
    if (config.api.operator_token_env === undefined && !loopback(config.listen))
      problems.push({
        path: ['listen'],
        message: `the API listens beyond this machine (${config.listen}): set api.operator_token_env`,
      });
    const notify = config.notify;
    if (notify === undefined) return problems;
    needEnv(notify.smtp?.password_env, ['notify', 'smtp', 'password_env']);
    const receivers = notify.receivers;
    for (const [name, r] of Object.entries(receivers)) {
      if ('webhook' in r) {
        needEnv(r.webhook.routing_key_env, ['notify', 'receivers', name, 'webhook', 'routing_key_env']);
        if (r.webhook.format === 'pagerduty' && r.webhook.routing_key_env === undefined)
          problems.push({
            path: ['notify', 'receivers', name, 'webhook'],
            message: 'the pagerduty format needs routing_key_env',
          });
      }
      if ('email' in r && notify.smtp === undefined)
        problems.push({
          path: ['notify', 'receivers', name],
          message: 'an email receiver needs notify.smtp',
        });
      if ('email' in r && r.email.to === 'owner' && config.tenants === undefined)
        problems.push({
          path: ['notify', 'receivers', name, 'email', 'to'],
          message: 'to: owner needs the tenants catalog (tenants: FILE)',
        });
    }
    for (const name of receiversOf(buildTree(notify.route ?? defaultRoute(receivers))))
      if (name !== 'none' && !(name in receivers))
        problems.push({
          path: notify.route === undefined ? ['notify', 'receivers'] : ['notify', 'route'],
          message: `the routing tree names receiver ${name}, which notify.receivers does not define`,
        });
    const incident = notify.incidents.receiver;
    if (incident !== undefined) {
      const r = receivers[incident];
      if (r === undefined || !('email' in r) || r.email.to !== 'owner')
        problems.push({
          path: ['notify', 'incidents', 'receiver'],
          message: `${incident} must be an email receiver with to: owner`,
        });
    }
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
  // A path that names nothing is an error of this file, at its line; what exists is read and checked.
  const missing = (path: string, where: (string | number)[], written: string): boolean => {
    if (existsSync(path)) return false;
    errors.push({ ...at(where), message: `${where.join('.')}: nothing at ${written} (${path})` });
    return true;
  };
  const rulePaths = config.rules.filter((r, i) => !missing(r, ['rules', i], parsed.value.rules[i] ?? r));
  const loaded = loadRules(rulePaths);
  errors.push(...loaded.errors);
  // What the rules name is known only when every rule file was read.
  const allRules = loaded.errors.length === 0 && rulePaths.length === config.rules.length;
  const names = new Set(loaded.rules.map((r) => r.alert));
  for (const name of Object.keys(config.overrides))
    if (allRules && !names.has(name)) {
      errors.push({ ...at(['overrides', name]), message: `overrides.${name}: no rule is named ${name}` });
    }
  let tenants: TenantsCatalog | undefined;
  if (config.tenants !== undefined && !missing(config.tenants, ['tenants'], parsed.value.tenants ?? '')) {
    const t = loadTenantsFile(config.tenants, allRules ? tenantThresholdNames(loaded.rules) : undefined);
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
      secrets: secretsOf(config, env),
    },
  };
}

/** The secrets a config names, read from the environment. */
export function secretsOf(config: AlerterConfig, env: NodeJS.ProcessEnv): AlerterSetup['secrets'] {
  const read = (name: string | undefined): string | undefined => (name === undefined ? undefined : env[name]);
  const routingKeys: Record<string, string> = {};
  for (const [name, r] of Object.entries(config.notify?.receivers ?? {}))
    if ('webhook' in r && r.webhook.routing_key_env !== undefined)
      routingKeys[name] = read(r.webhook.routing_key_env) ?? '';
  const operatorToken = read(config.api.operator_token_env);
  const smtpPassword = read(config.notify?.smtp?.password_env);
  return {
    ...(operatorToken === undefined ? {} : { operatorToken }),
    ...(smtpPassword === undefined ? {} : { smtpPassword }),
    routingKeys,
  };
}
