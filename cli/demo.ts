import { join } from 'node:path';
import { about } from './about.ts';
import { Command } from 'commander';
import { labDirOf, withLabDir } from './lab-dir.ts';
import { pino } from 'pino';
import { labStatus, liveProcesses, stopLab } from '../lab/src/control.ts';
import { demoTenants } from '../lab/src/demo.ts';
import { startDemoStack } from '../lab/src/demo-stack.ts';
import { readState } from '../lab/src/state.ts';
import { startLab } from '../lab/src/up.ts';
import { untilStopSignal } from './signals.ts';

const say = (line: string): void => console.error(line);

/** `lookout demo`: the lab, the demo tenants' topics and traffic, Lookout over them, until Ctrl-C. */
export function demoCommand(): Command {
  return withLabDir(new Command('demo').description(about.demo))
    .option('--brokers <n>', 'number of brokers when starting a lab', (v) => Number(v), 3)
    .action(async (options: { labDir: string; dir?: string; brokers: number }) => {
      const opts = { dir: labDirOf(options), brokers: options.brokers };
      const started = Date.now();
      const progress = (line: string): void =>
        say(`[${String(Math.round((Date.now() - started) / 1_000)).padStart(3)} s] ${line}`);
      const running = readState(opts.dir);
      const reuse = running !== undefined && liveProcesses(running).length > 0;
      if (!reuse) progress(`starting a lab of ${opts.brokers} broker(s) in ${opts.dir} …`);
      const lab = reuse ? running : await startLab({ dir: opts.dir, brokers: opts.brokers, say: progress });
      if (reuse) progress(`reusing the lab running in ${opts.dir}; it stays up after the demo`);

      // The services' logs go to a file: what is printed here is for a person.
      const logFile = join(lab.dir, 'demo.log');
      const log = pino(
        { level: process.env.LOG_LEVEL ?? 'info' },
        pino.destination({ dest: logFile, mkdir: true }),
      );
      const demo = await startDemoStack(lab, { log, progress, say: (line) => console.log(`  ${line}`) });
      const status = labStatus(lab);
      const tenant = demoTenants[1]?.tenant ?? 'search';
      const print = (line = ''): void => console.log(line);
      print();
      print('Lookout demo is running.');
      print();
      print(`  Web page   ${demo.web}/`);
      print(`    operator token  ${demo.operatorToken}`);
      print(
        `    tenant token    ${demo.tenantTokens.get(tenant) ?? ''}   (${tenant}: its own alerts, groups and lag only)`,
      );
      print(`  CLI        export LOOKOUT_URL=${demo.web} LOOKOUT_TOKEN=${demo.operatorToken}`);
      print(
        '             npx lookout alerts;  npx lookout silence add alertname="ConsumerLagHigh" -d 1h -c why',
      );
      print(
        `  API        ${demo.web}/api/alerts, /api/tenants/${tenant}/groups, /api/lag/lab/search-indexer, /api/silences`,
      );
      print(`  Kafka      ${status.brokers.map((b) => b.bootstrap).join(',')}`);
      print(`  InfluxDB   ${status.influx.url} (database lookout)`);
      print(`  collector  every 10 s; http://${demo.collectorAddress}/healthz and /metrics`);
      print(
        `  pages and emails: a local pager (${demo.inbox.pager.url}) and mailbox, kept in ${demo.inbox.dir}`,
      );
      print(`  logs       ${logFile}`);
      print();
      for (const t of demoTenants) {
        const groups = t.groups.map((g) => `${g.id}${g.msPerMessage > 0 ? ' (slow: its lag grows)' : ''}`);
        print(
          `  tenant ${t.tenant}: topics ${t.topics.map((x) => x.name).join(', ')}; groups ${groups.join(', ')}`,
        );
      }
      print(`  tenants catalog: ${demo.tenantsFile}`);
      print();
      print(
        `search-indexer is slow: ${tenant}@demo.invalid gets a ConsumerLagHigh email within about 2 minutes.`,
      );
      print('Pages and emails are printed below as they arrive. Press Ctrl-C to stop.');

      await untilStopSignal();
      say('stopping the alerter, the collector and demo traffic …');
      await demo.stop();
      if (!reuse) await stopLab(readState(opts.dir) ?? lab, say);
      say(`produced ${[...demo.traffic.produced.values()].reduce((a, b) => a + b, 0)} records; bye`);
    });
}
