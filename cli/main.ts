import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { about } from './about.ts';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** Each top-level command, loaded only when it is the one run. */
const loaders: Record<keyof typeof about, () => Promise<Command>> = {
  lab: async () => (await import('./lab.ts')).labCommand(),
  collect: async () => (await import('./collect.ts')).collectCommand(),
  rules: async () => (await import('./rules.ts')).rulesCommand(),
  alert: async () => (await import('./alert.ts')).alertCommand(),
  alerts: async () => (await import('./alerts.ts')).alertsCommand(),
  silence: async () => (await import('./silence.ts')).silenceCommand(),
  tenants: async () => (await import('./tenants.ts')).tenantsCommand(),
  dashboards: async () => (await import('./dashboards.ts')).dashboardsCommand(),
  demo: async () => (await import('./demo.ts')).demoCommand(),
  traffic: async () => (await import('./traffic.ts')).trafficCommand(),
  receiver: async () => (await import('./traffic.ts')).receiverCommand(),
  schema: async () => (await import('./schema.ts')).schemaCommand(),
};

const program = new Command('lookout')
  .description('Metrics and alerting for shared, multi-tenant Kafka platforms')
  .version(version, '-V, --version', 'the version of Lookout')
  .showHelpAfterError();

// The command run (`lookout help NAME` asks for NAME's help): loaded whole; the others only named, for the help.
const args = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const asked = args[0] === 'help' ? args[1] : args[0];
for (const [name, load] of Object.entries(loaders)) {
  if (name === asked) program.addCommand(await load());
  else program.command(name).description(about[name as keyof typeof about]);
}

// `lookout lab status | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  console.error(`lookout: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
