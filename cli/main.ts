import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { alertCommand } from './alert.ts';
import { alertsCommand } from './alerts.ts';
import { collectCommand } from './collect.ts';
import { dashboardsCommand } from './dashboards.ts';
import { demoCommand } from './demo.ts';
import { labCommand } from './lab.ts';
import { rulesCommand } from './rules.ts';
import { schemaCommand } from './schema.ts';
import { silenceCommand } from './silence.ts';
import { tenantsCommand } from './tenants.ts';
import { receiverCommand, trafficCommand } from './traffic.ts';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command('lookout')
  .description('Metrics and alerting for shared, multi-tenant Kafka platforms')
  .version(version, '-V, --version', 'the version of Lookout')
  .showHelpAfterError()
  .addCommand(labCommand())
  .addCommand(collectCommand())
  .addCommand(rulesCommand())
  .addCommand(alertCommand())
  .addCommand(alertsCommand())
  .addCommand(silenceCommand())
  .addCommand(tenantsCommand())
  .addCommand(dashboardsCommand())
  .addCommand(demoCommand())
  .addCommand(trafficCommand())
  .addCommand(receiverCommand())
  .addCommand(schemaCommand());

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
