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
import { openStorage } from './storage.ts';
import { sourcesOf } from './targets.ts';

/** The whole collector, assembled: config in, sources → durable writers (one per shard) → InfluxDB out. */
function assemble(config: CollectorConfig, env: NodeJS.ProcessEnv, log: Logger) {
  const storage = openStorage(config, env, log);
  const targets = sourcesOf(config, env, buildNameIndex(jmxMetrics), jmxMetrics, tenantsOf(config));
  return { storage, targets };
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

/** One cycle over every target; the summary says what happened to each. */
export async function collectOnceFromConfig(
  config: CollectorConfig,
  env: NodeJS.ProcessEnv,
  log: Logger,
): Promise<CycleSummary> {
  const { targets, storage } = assemble(config, env, log);
  await storage.prepare();
  try {
    return await collectOnce(targets.sources, storage.writeFor, Date.now(), config.schedule.timeout, () =>
      Date.now(),
    );
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
  const { targets, storage } = assemble(config, env, log);
  await storage
    .prepare()
    .catch((error: unknown) =>
      log.error(
        { error: (error as Error).message },
        'InfluxDB not ready: retention not applied yet; points are spooled',
      ),
    );
  const { sources } = targets;
  const metrics = createSelfMetrics();
  const clock = (): number => Date.now();
  const { interval, timeout } = config.schedule;
  const fleet = await joinFleet(config, env, sources, metrics, log);
  const running = startCollector({
    sources,
    writeFor: storage.writeFor,
    spoolState: storage.spoolState,
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
      spool: storage.spoolState(),
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
