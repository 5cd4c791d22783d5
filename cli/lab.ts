import { about } from './about.ts';
import { Command, InvalidArgumentError } from 'commander';
import { labDirOf, withLabDir } from './lab-dir.ts';
import { controlBroker, controlInflux, labStatus, requireState, stopLab } from '../lab/src/control.ts';
import type { BrokerAction, LabStatus } from '../lab/src/control.ts';
import { throttleBrokerCpu } from '../lab/src/cgroup.ts';
import { residentBytes } from '../lab/src/process.ts';
import { singleClusterName } from '../lab/src/state.ts';
import { startLab } from '../lab/src/up.ts';

const say = (line: string): void => console.error(line);

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
}

function printStatus(status: LabStatus): void {
  const ids = status.clusterIds ?? { [singleClusterName]: status.clusterId };
  const named = status.clusterIds !== undefined;
  const clusters = Object.entries(ids).map(([n, id]) => `cluster ${named ? `${n} ` : ''}${id}`);
  console.log(`lab ${status.dir} (${clusters.join(', ')})`);
  for (const b of status.brokers) {
    const rss = b.state === 'gone' ? '' : `  rss ${(residentBytes(b.pid) / 2 ** 20).toFixed(0)} MiB`;
    const which = b.cluster === undefined ? '' : `${b.cluster}/`;
    console.log(
      `  broker ${which}${b.id}  ${b.state.padEnd(7)} pid ${b.pid}  bootstrap ${b.bootstrap}  jmx ${b.jmx}  jolokia ${b.jolokia}${rss}`,
    );
  }
  console.log(`  influxdb  ${status.influx.state.padEnd(7)} pid ${status.influx.pid}  ${status.influx.url}`);
  const ne = status.nodeExporter;
  if (ne !== undefined) console.log(`  node_exporter ${ne.state.padEnd(7)} pid ${ne.pid}  ${ne.url}`);
  for (const name of Object.keys(ids)) {
    const servers = status.brokers
      .filter((b) => (b.cluster ?? singleClusterName) === name)
      .map((b) => b.bootstrap);
    console.log(`  bootstrap servers${named ? ` of ${name}` : ''}: ${servers.join(',')}`);
  }
  if (status.brokers.some((b) => b.saslSsl !== undefined)) {
    console.log(`  SASL_SSL (SCRAM-SHA-512): ${status.brokers.map((b) => b.saslSsl).join(',')}`);
    console.log(`  SSL (mutual TLS):         ${status.brokers.map((b) => b.ssl).join(',')}`);
    console.log(`  CA, certificates, secrets: ${status.dir}/tls, ${status.dir}/state.json (security)`);
    console.log("  'lookout collect --lab' collects over SASL_SSL with the lab's user 'lookout'");
  }
}

const actions: { name: string; action: BrokerAction; about: string }[] = [
  { name: 'kill-broker', action: 'kill', about: 'SIGKILL broker N (a crash)' },
  {
    name: 'stop-broker',
    action: 'stop',
    about: 'SIGTERM broker N (controlled shutdown) and wait until it exits',
  },
  {
    name: 'start-broker',
    action: 'start',
    about: 'start broker N again on its data and wait until it registers',
  },
  { name: 'pause-broker', action: 'pause', about: 'SIGSTOP broker N: alive but hung' },
  { name: 'resume-broker', action: 'resume', about: 'SIGCONT a paused broker N' },
];

/** `lookout lab …`: the local Kafka + InfluxDB platform for the demo, tests and benchmarks. */
export function labCommand(): Command {
  const lab = withLabDir(
    new Command('lab').description(about.lab),
    'lab directory: state file, data and logs',
  );
  const dir = (): string => labDirOf(lab.opts<{ labDir: string; dir?: string }>());

  lab
    .command('up')
    .description('start the cluster (combined broker+controller nodes) and influxd; print the endpoints')
    .option('--brokers <n>', 'number of brokers (in each cluster)', wholeNumber, 3)
    .option(
      '--clusters <n>',
      'independent clusters: 1 (named lab), or 2 or 3 (named a, b, c)',
      wholeNumber,
      1,
    )
    .option(
      '--security',
      'also SASL_SSL (SCRAM-SHA-512) and SSL (mutual TLS) listeners from a throwaway CA, ACLs on with the ' +
        "collector's least privilege for User:lookout, the JMX exporter and Jolokia over HTTPS with a password",
    )
    .option('--json', 'print the status as JSON')
    .action(async (opts: { brokers: number; clusters: number; json?: boolean; security?: boolean }) => {
      const started = Date.now();
      const state = await startLab({
        dir: dir(),
        brokers: opts.brokers,
        clusters: opts.clusters,
        say,
        security: opts.security === true,
      });
      say(`lab ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      if (opts.json === true) console.log(JSON.stringify(labStatus(state), null, 2));
      else printStatus(labStatus(state));
    });

  lab
    .command('status')
    .description('show each lab process and its endpoints')
    .option('--json', 'print as JSON')
    .action((opts: { json?: boolean }) => {
      const status = labStatus(requireState(dir()));
      if (opts.json === true) console.log(JSON.stringify(status, null, 2));
      else printStatus(status);
    });

  lab
    .command('down')
    .description('stop everything the lab started, by pid')
    .action(async () => {
      const started = Date.now();
      await stopLab(requireState(dir()), say);
      say(`lab down in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });

  for (const { name, action, about } of actions) {
    lab
      .command(name)
      .description(about)
      .argument('<n>', 'broker id', wholeNumber)
      .option('--cluster <name>', 'its cluster, in a lab of several (a, b, …)')
      .action(async (id: number, opts: { cluster?: string }) => {
        const broker = await controlBroker(dir(), id, action, opts.cluster);
        const which = opts.cluster === undefined ? '' : `${opts.cluster}/`;
        say(`broker ${which}${id}: ${action} done (pid ${broker.pid})`);
      });
  }
  lab
    .command('slow-broker')
    .description("cap broker N's JVM at a share of one CPU (cgroup v1 cpu quota): alive, in the ISR, slow")
    .argument('<n>', 'broker id', wholeNumber)
    .option('--cpu <cores>', 'CPU share it keeps, in cores (0.1: a tenth of one core)', Number, 0.1)
    .option('--cluster <name>', 'its cluster, in a lab of several (a, b, …)')
    .action((id: number, opts: { cpu: number; cluster?: string }) => {
      const pid = throttleBrokerCpu(dir(), id, opts.cpu, opts.cluster);
      say(
        `broker ${id}: capped at ${opts.cpu} of a CPU (pid ${pid}); undo with 'lookout lab unslow-broker ${id}'`,
      );
    });
  lab
    .command('unslow-broker')
    .description("give broker N its CPU back (out of the cgroup 'slow-broker' put it in)")
    .argument('<n>', 'broker id', wholeNumber)
    .option('--cluster <name>', 'its cluster, in a lab of several (a, b, …)')
    .action((id: number, opts: { cluster?: string }) => {
      const pid = throttleBrokerCpu(dir(), id, undefined, opts.cluster);
      say(`broker ${id}: CPU cap removed (pid ${pid})`);
    });
  for (const action of ['stop', 'start'] as const) {
    lab
      .command(`${action}-influx`)
      .description(action === 'stop' ? 'SIGTERM influxd (an outage)' : 'start influxd again on its data')
      .action(async () => {
        const pid = await controlInflux(dir(), action);
        say(`influxd: ${action} done (pid ${pid})`);
      });
  }
  return lab;
}
