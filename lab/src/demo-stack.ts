import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { startAlerter } from '../../alerter/src/main.ts';
import type { RunningAlerter } from '../../alerter/src/main.ts';
import { tokenHash } from '../../alerter/src/tenants-source.ts';
import { createKafka } from '../../collector/src/kafka/client.ts';
import { runCollector } from '../../collector/src/main.ts';
import { labAlerterSetup } from './alerter-config.ts';
import { labCollectorConfig } from './collector-config.ts';
import { createDemoTopics, demoTenants, demoTenantsYaml, startDemoTraffic } from './demo.ts';
import type { DemoTraffic } from './demo.ts';
import { startDemoInbox } from './demo-notify.ts';
import type { DemoInbox } from './demo-notify.ts';
import { freePorts } from './ports.ts';
import { bootstrapOf } from './state.ts';
import type { LabState } from './state.ts';

/** The demo running on a lab: its traffic, collector, alerter, pager and mailbox, and the tokens to try it. */
export interface DemoStack {
  alerter: RunningAlerter;
  /** The alerter's page and API, as its links name it (`public_url`). */
  web: string;
  collectorAddress: string;
  /** The operator's token (everything; silences), and each demo tenant's (its own alerts and groups only). */
  operatorToken: string;
  tenantTokens: ReadonlyMap<string, string>;
  tenantsFile: string;
  inbox: DemoInbox;
  traffic: DemoTraffic;
  stop(): Promise<void>;
}

const token = (): string => randomBytes(18).toString('base64url');

/**
 * Lookout's demo on a running lab: the demo tenants' topics and traffic (`search-indexer` is slow), their
 * catalog with a fresh API token each (its hash in the catalog), the collector every 10 s, the alerter with the
 * default pack (ConsumerLagHigh's grace shortened to 1 m so a tenant email comes within minutes), an operator
 * token, absolute links over its own address, and a local pager and mailbox. Logs go to `log`; each step is
 * told through `progress`.
 */
export async function startDemoStack(
  lab: LabState,
  options: { log: Logger; progress: (line: string) => void; say: (line: string) => void },
): Promise<DemoStack> {
  const { progress, log } = options;
  const kafka = createKafka({ brokers: bootstrapOf(lab), clientId: 'lookout-demo' });
  progress('creating the demo tenants’ topics …');
  await createDemoTopics(kafka, demoTenants, lab.brokers.length);
  progress('starting their producers and consumer groups …');
  const traffic = await startDemoTraffic(kafka, demoTenants);
  const tenantTokens = new Map(demoTenants.map((t) => [t.tenant, token()]));
  const tenantsFile = join(lab.dir, 'tenants.yaml');
  writeFileSync(
    tenantsFile,
    demoTenantsYaml(demoTenants, (t) => tokenHash(tenantTokens.get(t) ?? token())),
  );

  progress('starting the collector (every 10 s into InfluxDB) …');
  const stopCollector = new AbortController();
  let announce: (address: string) => void = () => undefined;
  const listening = new Promise<string>((ready) => (announce = ready));
  const collector = runCollector(
    { ...labCollectorConfig(lab), tenants: tenantsFile },
    process.env,
    log.child({ name: 'collector' }),
    stopCollector.signal,
    (a) => announce(a),
  );
  const collectorAddress = await Promise.race([listening, collector.then(() => 'not running')]);

  progress('starting the alerter, its pager and its mailbox …');
  const inbox = await startDemoInbox(join(lab.dir, 'demo-inbox'), options.say);
  const [port] = await freePorts(1);
  const web = `http://127.0.0.1:${port}`;
  const operatorToken = token();
  const setup = labAlerterSetup(lab, {
    listen: `127.0.0.1:${port}`,
    publicUrl: web,
    tenantsFile,
    notify: inbox.notify,
    // The demo shows a tenant email within minutes: the slow group alerts after 1 m, not the pack's 5 m.
    overrides: { ConsumerLagHigh: { for: 60_000 } },
    secrets: { operatorToken, routingKeys: {} },
  });
  const alerter = await startAlerter(setup, log.child({ name: 'alerter' }));
  return {
    alerter,
    web,
    collectorAddress,
    operatorToken,
    tenantTokens,
    tenantsFile,
    inbox,
    traffic,
    async stop() {
      stopCollector.abort();
      await Promise.allSettled([collector, traffic.stop(), alerter.stop()]);
      await inbox.close();
    },
  };
}
