import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { about } from './about.ts';
import { Command } from 'commander';
import { labDirOf, withLabDir } from './lab-dir.ts';
import { pino } from 'pino';
import { createKafka } from '../collector/src/kafka/client.ts';
import { runCollector } from '../collector/src/main.ts';
import { startAlerter } from '../alerter/src/main.ts';
import { labAlerterSetup } from '../lab/src/alerter-config.ts';
import { labCollectorConfig } from '../lab/src/collector-config.ts';
import { labStatus, liveProcesses, stopLab } from '../lab/src/control.ts';
import { createDemoTopics, demoTenants, demoTenantsYaml, startDemoTraffic } from '../lab/src/demo.ts';
import { bootstrapOf, readState } from '../lab/src/state.ts';
import { startLab } from '../lab/src/up.ts';
import { startDemoInbox } from '../lab/src/demo-notify.ts';
import { untilStopSignal } from './signals.ts';

const say = (line: string): void => console.error(line);

/** `lookout demo`: the lab, the demo tenants' topics and traffic, until Ctrl-C. */
export function demoCommand(): Command {
  return withLabDir(new Command('demo').description(about.demo))
    .option('--brokers <n>', 'number of brokers when starting a lab', (v) => Number(v), 3)
    .action(async (options: { labDir: string; dir?: string; brokers: number }) => {
      const opts = { dir: labDirOf(options), brokers: options.brokers };
      const running = readState(opts.dir);
      const reuse = running !== undefined && liveProcesses(running).length > 0;
      const lab = reuse ? running : await startLab({ dir: opts.dir, brokers: opts.brokers, say });
      if (reuse) say(`reusing the lab running in ${opts.dir}; it stays up after the demo`);

      const kafka = createKafka({ brokers: bootstrapOf(lab), clientId: 'lookout-demo' });
      await createDemoTopics(kafka, demoTenants, lab.brokers.length);
      const traffic = await startDemoTraffic(kafka, demoTenants);

      const stopCollector = new AbortController();
      const log = pino({ name: 'collector', level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
      let announce: (address: string) => void = () => undefined;
      const listening = new Promise<string>((ready) => (announce = ready));
      // The demo tenants own their topics and groups: every series carries its tenant.
      const tenantsFile = join(lab.dir, 'tenants.yaml');
      writeFileSync(tenantsFile, demoTenantsYaml(demoTenants));
      const config = { ...labCollectorConfig(lab), tenants: tenantsFile };
      const collector = runCollector(config, process.env, log, stopCollector.signal, (a) => announce(a));
      const collectorAddress = await Promise.race([listening, collector.then(() => 'not running')]);
      // The alerter: the default pack over the same InfluxDB, its state in the lab directory.
      const alerterLog = pino(
        { name: 'alerter', level: process.env.LOG_LEVEL ?? 'warn' },
        pino.destination(2),
      );
      // Its pager and mailbox: a local webhook receiver and SMTP server, writing what they get to the inbox.
      const inbox = await startDemoInbox(join(lab.dir, 'demo-inbox'), (line) => console.log(`  ${line}`));
      const alerter = await startAlerter(
        labAlerterSetup(lab, {
          listen: '127.0.0.1:0',
          tenantsFile,
          notify: inbox.notify,
          // The demo shows a tenant email within minutes: the slow group alerts after 1 m, not the pack's 5 m.
          overrides: { ConsumerLagHigh: { for: 60_000 } },
        }),
        alerterLog,
      );
      const alerterAddress = alerter.server.address() as AddressInfo;

      const status = labStatus(lab);
      console.log('Lookout demo is running.');
      console.log(`  Kafka bootstrap: ${status.brokers.map((b) => b.bootstrap).join(',')}`);
      for (const b of status.brokers) console.log(`  broker ${b.id}: JMX ${b.jmx}  Jolokia ${b.jolokia}`);
      console.log(`  InfluxDB: ${status.influx.url} (database lookout)`);
      console.log(
        `  collector: every 10 s into InfluxDB; health http://${collectorAddress}/healthz, /metrics`,
      );
      const web = `http://127.0.0.1:${alerterAddress.port}`;
      console.log(
        `  alerter: the default rule pack every 10 s; web page ${web}/ (alerts, silences, tenants)`,
      );
      console.log(
        `           API ${web}/api/alerts, /api/silences, /api/tenants, /api/notifications, /metrics`,
      );
      console.log(
        `           from the CLI: LOOKOUT_URL=${web} npx lookout alerts   (and lookout silence add|list|expire)`,
      );
      console.log(
        `  pager (webhook receiver): ${inbox.pager.url}; SMTP server: 127.0.0.1:${inbox.smtp.port}`,
      );
      console.log(`  received pages and emails: ${inbox.dir} (and printed below as they arrive)`);
      for (const t of demoTenants) {
        const groups = t.groups.map((g) => `${g.id}${g.msPerMessage > 0 ? ' (slow: its lag grows)' : ''}`);
        console.log(
          `  tenant ${t.tenant}: topics ${t.topics.map((x) => x.name).join(', ')}; groups ${groups.join(', ')}`,
        );
      }
      console.log(`  tenants catalog: ${tenantsFile}`);
      console.log(
        '  search-indexer is slow: its tenant (search@demo.invalid) gets a ConsumerLagHigh email within about 3 minutes.',
      );
      console.log('Press Ctrl-C to stop.');

      await untilStopSignal();
      say('stopping the alerter, the collector and demo traffic …');
      stopCollector.abort();
      await Promise.allSettled([collector, traffic.stop(), alerter.stop()]);
      await inbox.close();
      if (!reuse) await stopLab(readState(opts.dir) ?? lab, say);
      say(`produced ${[...traffic.produced.values()].reduce((a, b) => a + b, 0)} records; bye`);
    });
}
