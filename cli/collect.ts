import { about } from './about.ts';
import { Command } from 'commander';
import { labDirOf, withLabDir } from './lab-dir.ts';
import { pino } from 'pino';
import { formatConfigErrors } from '../model/src/config-file.ts';
import { loadCollectorConfig } from '../collector/src/config.ts';
import { loadTenantsFile } from '../model/src/tenants.ts';
import type { CollectorConfig } from '../collector/src/config.ts';
import { labCollectorConfig, labSecretsEnv } from '../lab/src/collector-config.ts';
import { requireState } from '../lab/src/control.ts';
import { stopAndExit, untilStopSignal } from './signals.ts';

interface CollectOptions {
  config?: string;
  lab?: boolean;
  labDir: string;
  dir?: string;
  once?: boolean;
  database: string;
}

/** The config a `collect` call names: a file (every error with file:line), or the running lab. */
function configOf(opts: CollectOptions): CollectorConfig {
  if (opts.config !== undefined && opts.lab === true)
    throw new Error('give --config FILE or --lab, not both');
  if (opts.lab === true) {
    const state = requireState(labDirOf(opts));
    // A secured lab's passwords, as the environment of a real deployment would hold them.
    Object.assign(process.env, labSecretsEnv(state));
    return labCollectorConfig(state, opts.database);
  }
  if (opts.config === undefined) throw new Error('give --config FILE, or --lab to target the running lab');
  const loaded = loadCollectorConfig(opts.config, process.env);
  if (!loaded.ok) throw new Error(`invalid config:\n${formatConfigErrors(loaded.errors)}`);
  return loaded.value;
}

/** `lookout collect`: the collector service, one cycle, or a config check. */
export function collectCommand(): Command {
  const collect = withLabDir(
    new Command('collect')
      .description(about.collect)
      .option('--config <file>', 'collector YAML config')
      .option('--lab', 'target the running lab, from its state file'),
  )
    .option('--database <name>', 'InfluxDB database with --lab', 'lookout')
    .option('--once', 'run one cycle, print a JSON summary, exit 1 if a target or a write failed')
    .action(async (opts: CollectOptions) => {
      const config = configOf(opts);
      const log = pino({ name: 'collector', level: process.env.LOG_LEVEL ?? 'info' }, pino.destination(2));
      if (opts.once === true) {
        const { collectOnceFromConfig } = await import('../collector/src/main.ts');
        const summary = await collectOnceFromConfig(config, process.env, log);
        console.log(JSON.stringify(summary, null, 2));
        if (summary.targets.some((t) => !t.up) || summary.writeErrors.length > 0) process.exitCode = 1;
        return;
      }
      const stop = new AbortController();
      // The service's modules (Kafka, InfluxDB, the HTTP server) only when it runs, not for a check.
      const { runCollector } = await import('../collector/src/main.ts');
      const running = runCollector(config, process.env, log, stop.signal);
      // Runs until a signal (or until it fails, which rejects here as before).
      await Promise.race([untilStopSignal(), running]);
      stop.abort();
      await stopAndExit(
        () => running,
        (line) => log.warn(line),
      );
    });
  collect
    .command('check-config')
    .description(
      'check a collector config; print every error as file:line:column and exit 1, or say it is valid',
    )
    .argument('<file>', 'collector YAML config')
    .action((file: string) => {
      const loaded = loadCollectorConfig(file, process.env);
      if (!loaded.ok) {
        console.error(formatConfigErrors(loaded.errors));
        process.exitCode = 1;
        return;
      }
      if (loaded.value.tenants !== undefined) {
        const tenants = loadTenantsFile(loaded.value.tenants);
        if (!tenants.ok) {
          console.error(formatConfigErrors(tenants.errors));
          process.exitCode = 1;
          return;
        }
      }
      const brokers = loaded.value.clusters.reduce((n, c) => n + c.brokers.length, 0);
      console.log(`${file}: valid (${loaded.value.clusters.length} cluster(s), ${brokers} broker(s))`);
    });
  collect
    .command('status')
    .description("a running collector's health and, in a fleet, the units it holds and the group generation")
    .option('--url <url>', "the collector's listen address", 'http://127.0.0.1:9309')
    .option('--json', 'print its /healthz answer as JSON')
    .action(async (opts: { url: string; json?: boolean }) => {
      const url = new URL('/healthz', opts.url);
      let answer: Response;
      try {
        answer = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      } catch (error) {
        throw new Error(`no collector answers at ${url.origin}: ${(error as Error).message}`);
      }
      const health = (await answer.json()) as {
        healthy: boolean;
        lastCompleteMs?: number;
        spool: { points: number };
        fleet?: { group: string; member: string; generation?: number; units: string[]; total: number };
      };
      if (opts.json === true) {
        console.log(JSON.stringify(health, null, 2));
        return;
      }
      const last =
        health.lastCompleteMs === undefined ? 'no cycle yet' : new Date(health.lastCompleteMs).toISOString();
      console.log(
        `${url.origin}: ${health.healthy ? 'healthy' : 'unhealthy'}, last complete cycle ${last}, ${health.spool.points} point(s) spooled`,
      );
      const fleet = health.fleet;
      if (fleet === undefined) console.log('not in a fleet: it collects every unit of its config');
      else {
        const generation = fleet.generation === undefined ? 'none yet' : String(fleet.generation);
        console.log(
          `fleet ${fleet.group}, member ${fleet.member}, generation ${generation}: ${fleet.units.length} of ${fleet.total} units`,
        );
        for (const unit of fleet.units) console.log(`  ${unit}`);
      }
      if (!health.healthy) process.exitCode = 1;
    });
  return collect;
}
