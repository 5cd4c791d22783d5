import { join } from 'node:path';
import type { Logger } from 'pino';
import { startAlerter } from '../../alerter/src/main.ts';
import type { RunningAlerter } from '../../alerter/src/main.ts';
import { notifySchema } from '../../alerter/src/config.ts';
import { runCollector } from '../../collector/src/main.ts';
import { labAlerterSetup } from './alerter-config.ts';
import { labCollectorConfig } from './collector-config.ts';
import { labResources } from './paths.ts';
import type { LabState } from './state.ts';

/** The shipped example catalog of tenants (payments, refunds, search, logistics). */
export const exampleTenantsFile = join(labResources, '..', 'collector', 'examples', 'tenants.yaml');

/** Lookout as shipped on a lab: its collector and its alerter, running until `stop`. */
export interface ShippedStack {
  alerter: RunningAlerter;
  stop(): Promise<void>;
}

/**
 * Lookout with the shipped defaults on a lab: the collector on the example config's schedule (every 15 s, 10 s
 * per target), its liveness (2 s) and probe on, restart_grace 5 m, the example tenants; the alerter with the
 * default pack as shipped (no overrides), the example's evaluation (every 15 s and as soon as new data lands)
 * and the default routing tree. Only the receivers are the caller's: pages to the webhook at `pagerUrl`,
 * tenants' and operators' email (kafka-ops@example.com) through the SMTP server on `smtpPort`. The alerter
 * starts once the collector has created its database, as compose orders them.
 */
export async function startShippedStack(
  lab: LabState,
  options: { database: string; dir: string; pagerUrl: string; smtpPort: number; log: Logger },
): Promise<ShippedStack> {
  const stopCollector = new AbortController();
  const collector = runCollector(
    {
      ...labCollectorConfig(lab, options.database, 15_000),
      schedule: { interval: 15_000, timeout: 10_000 },
      tenants: exampleTenantsFile,
    },
    process.env,
    options.log,
    stopCollector.signal,
  );
  await new Promise((ok) => setTimeout(ok, 5_000));
  const alerter = await startAlerter(
    labAlerterSetup(lab, {
      database: options.database,
      intervalMs: 15_000,
      listen: '127.0.0.1:0',
      statePath: join(options.dir, 'alerts.db'),
      tenantsFile: exampleTenantsFile,
      notify: notifySchema.parse({
        smtp: { host: '127.0.0.1', port: options.smtpPort, from: 'lookout@example.com' },
        receivers: {
          oncall: { webhook: { url: options.pagerUrl } },
          tenants: { email: { to: 'owner' } },
          operators: { email: { to: ['kafka-ops@example.com'] } },
        },
        incidents: { group_wait: '10s', repeat_interval: '24h' },
      }),
    }),
    options.log,
  );
  return {
    alerter,
    async stop() {
      await alerter.stop();
      stopCollector.abort();
      await collector;
    },
  };
}

/** The broker whose JMX says it is the active controller, from what Lookout's collector stored (last minute). */
export async function storedActiveController(influxUrl: string, database: string): Promise<number> {
  const q = `SELECT last("active_controller_count") FROM "broker" WHERE time > now() - 1m GROUP BY "broker"`;
  for (let i = 0; i < 60; i += 1) {
    const res = await fetch(`${influxUrl}/query?db=${database}&q=${encodeURIComponent(q)}`);
    const body = (await res.json()) as {
      results: { series?: { tags: { broker: string }; values: [string, number][] }[] }[];
    };
    const active = (body.results[0]?.series ?? []).filter((s) => s.values[0]?.[1] === 1);
    if (active.length === 1) return Number(active[0]?.tags.broker);
    await new Promise((ok) => setTimeout(ok, 1_000));
  }
  throw new Error('no single active controller in the stored JMX metrics');
}
