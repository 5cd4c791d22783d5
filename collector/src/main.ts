import type { Logger } from 'pino';
import { jmxMetrics } from '../../model/src/jmx.ts';
import { formatConfigErrors } from '../../model/src/config-file.ts';
import { tenantResolver } from '../../model/src/tenants.ts';
import { loadTenantsFile } from '../../model/src/tenants.ts';
import type { CollectorConfig } from './config.ts';
import { collectOnce } from './cycle.ts';
import type { CycleSummary } from './cycle.ts';
import { serveHealth } from './http.ts';
import { buildNameIndex } from './jmx-names.ts';
import { createSelfMetrics } from './self-metrics.ts';
import { joinFleet } from './fleet-member.ts';
import { startCollector } from './service.ts';
import { durableWriter } from './sink/durable.ts';
import { applyRetention, connectInflux, writeLineProtocol } from './sink/influx.ts';
import type { InfluxTarget, WriteOutcome } from './sink/influx.ts';
import { planRetention } from './sink/retention.ts';
import { Spool } from './sink/spool.ts';
import { sourcesOf } from './targets.ts';

/** The whole collector, assembled: config in, sources → durable writer → InfluxDB out. */
function assemble(config: CollectorConfig, env: NodeJS.ProcessEnv, log: Logger) {
  // No rp: points go to the default policy (`raw` once retention is applied), never refused for a missing one.
  const target = influxTarget(config, env);
  const spool = new Spool(config.spool.dir, config.spool.max_bytes, (message) => log.error(message));
  // A database that is not there yet (InfluxDB was down at start, or was wiped) is made, then the batch retried.
  const writeOnce = async (body: string): Promise<WriteOutcome> => {
    const outcome = await writeLineProtocol(target, body);
    if (outcome.ok || !outcome.reason.includes('database not found')) return outcome;
    await prepareInflux(config, env, log);
    return writeLineProtocol(target, body);
  };
  const write = durableWriter(writeOnce, spool);
  const targets = sourcesOf(config, env, buildNameIndex(jmxMetrics), jmxMetrics, tenantsOf(config));
  return { spool, write, targets };
}

/** The tenant of a consumer group and of a topic, from the catalog the config names (checked at load). */
function tenantsOf(config: CollectorConfig): {
  groups: (group: string) => string;
  topics: (topic: string) => string;
} {
  if (config.tenants === undefined) return { groups: () => '', topics: () => '' };
  const loaded = loadTenantsFile(config.tenants);
  if (!loaded.ok) throw new Error(`invalid tenants catalog:\n${formatConfigErrors(loaded.errors)}`);
  return { groups: tenantResolver(loaded.value, 'groups'), topics: tenantResolver(loaded.value, 'topics') };
}

/** Where the collector writes, with the credentials its config names (the password from the environment). */
function influxTarget(config: CollectorConfig, env: NodeJS.ProcessEnv): InfluxTarget {
  const { url, database, username, password_env } = config.influx;
  if (username === undefined) return { url, database };
  return { url, database, username, password: password_env === undefined ? '' : (env[password_env] ?? '') };
}

/** Creates the database, retention policies and downsampling queries (idempotent), logging what changed. */
async function prepareInflux(config: CollectorConfig, env: NodeJS.ProcessEnv, log: Logger): Promise<void> {
  const { influx } = config;
  const client = await connectInflux(influxTarget(config, env));
  for (const change of await applyRetention(
    client,
    influx.database,
    planRetention(influx.database, influx.retention),
  )) {
    log.info(change);
  }
}

/** One cycle over every target; the summary says what happened to each. */
export async function collectOnceFromConfig(
  config: CollectorConfig,
  env: NodeJS.ProcessEnv,
  log: Logger,
): Promise<CycleSummary> {
  await prepareInflux(config, env, log);
  const { targets, write } = assemble(config, env, log);
  try {
    return await collectOnce(targets.sources, write, Date.now(), config.schedule.timeout, () => Date.now());
  } finally {
    await targets.close();
  }
}

/** Runs the collector until `signal` aborts: scheduled cycles, /metrics and /healthz. */
export async function runCollector(
  config: CollectorConfig,
  env: NodeJS.ProcessEnv,
  log: Logger,
  signal: AbortSignal,
  onListening: (address: string) => void = () => undefined,
): Promise<void> {
  await prepareInflux(config, env, log).catch((error: unknown) =>
    log.error(
      { error: (error as Error).message },
      'InfluxDB not ready: retention not applied yet; points are spooled',
    ),
  );
  const { targets, write, spool } = assemble(config, env, log);
  const { sources } = targets;
  const metrics = createSelfMetrics();
  const clock = (): number => Date.now();
  const { interval, timeout } = config.schedule;
  const fleet = await joinFleet(config, env, sources, metrics, log);
  const running = startCollector({
    sources,
    write,
    spool,
    metrics,
    log,
    intervalMs: interval,
    timeoutMs: timeout,
    clock,
    ...(fleet === undefined ? {} : { fleet }),
  });
  const server = await serveHealth(config.listen, metrics.registry, () => {
    const last = running.lastCompleteMs();
    const healthy = last !== undefined && clock() - last < 3 * interval;
    return {
      healthy,
      ...(last === undefined ? {} : { lastCompleteMs: last }),
      spool: spool.state(),
      ...(fleet === undefined ? {} : { fleet: fleet.state() }),
    };
  });
  const address = server.address();
  const listen =
    typeof address === 'object' && address !== null ? `${address.address}:${address.port}` : config.listen;
  log.info({ targets: sources.length, interval, listen }, 'collector running: /metrics and /healthz');
  onListening(listen);
  await new Promise<void>((done) => signal.addEventListener('abort', () => done(), { once: true }));
  // Leaving first hands this member's units to the others at once, not after the session timeout.
  await fleet
    ?.leave()
    .catch((error: unknown) => log.warn({ error: (error as Error).message }, 'leaving the fleet'));
  await running.stop();
  await targets.close();
  await new Promise<void>((done) => server.close(() => done()));
  log.info('collector stopped');
}
