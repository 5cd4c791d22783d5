import { writeFileSync } from 'node:fs';
import { about } from './about.ts';
import { Command } from 'commander';
import { createKafka } from '../collector/src/kafka/client.ts';
import { startWebhookReceiver } from '../lab/src/catchers.ts';
import { untilStopSignal } from './signals.ts';
import { createDemoTopics, demoTenants, demoTenantsYaml, startDemoTraffic } from '../lab/src/demo.ts';

const say = (line: string): void => console.error(line);

/** `lookout traffic`: the demo tenants' producers and consumer groups on any cluster (the compose deployment's). */
export function trafficCommand(): Command {
  return new Command('traffic')
    .description(about.traffic)
    .requiredOption('--bootstrap <list>', 'bootstrap servers, comma-separated (host:port,…)')
    .option('--brokers <n>', 'brokers in the cluster: the topics get min(3, n) replicas', (v) => Number(v), 3)
    .option('--tenants-out <file>', 'also write the demo tenants catalog (YAML) here')
    .action(async (opts: { bootstrap: string; brokers: number; tenantsOut?: string }) => {
      const brokers = opts.bootstrap
        .split(',')
        .map((b) => b.trim())
        .filter((b) => b !== '');
      if (brokers.length === 0) throw new Error('--bootstrap names no broker');
      if (!Number.isInteger(opts.brokers) || opts.brokers < 1)
        throw new Error('--brokers must be a whole number ≥ 1');
      if (opts.tenantsOut !== undefined) writeFileSync(opts.tenantsOut, demoTenantsYaml(demoTenants));
      const kafka = createKafka({ brokers, clientId: 'lookout-traffic' });
      await createDemoTopics(kafka, demoTenants, opts.brokers);
      const traffic = await startDemoTraffic(kafka, demoTenants);
      for (const t of demoTenants)
        say(`tenant ${t.tenant}: ${t.topics.map((x) => `${x.name} (${x.messagesPerSecond}/s)`).join(', ')}`);
      say('demo traffic running; Ctrl-C stops it');
      await untilStopSignal();
      await traffic.stop();
      say(`produced ${[...traffic.produced.values()].reduce((a, b) => a + b, 0)} records; bye`);
    });
}

/** `lookout receiver`: a webhook receiver that prints each page it gets (the compose deployment's pager). */
export function receiverCommand(): Command {
  return new Command('receiver')
    .description(about.receiver)
    .option('--listen <host:port>', 'address to listen on', '127.0.0.1:9095')
    .action(async (opts: { listen: string }) => {
      const match = /^(.*):(\d{1,5})$/.exec(opts.listen);
      const port = Number(match?.[2]);
      if (match === null || port > 65_535) throw new Error(`--listen ${opts.listen}: expected host:port`);
      const receiver = await startWebhookReceiver(port, match[1] ?? '127.0.0.1');
      receiver.onReceive = (r) => {
        console.log(JSON.stringify({ at: new Date().toISOString(), page: r.body }));
        receiver.received.length = 0; // printed, not kept: it runs for as long as the deployment
      };
      say(`receiving pages at ${receiver.url}`);
      await untilStopSignal();
      await receiver.close();
    });
}
