import { Command } from 'commander';
import { collectCommand } from './collect.ts';
import { demoCommand } from './demo.ts';
import { labCommand } from './lab.ts';
import { schemaCommand } from './schema.ts';

const program = new Command('lookout')
  .description('Metrics and alerting for shared, multi-tenant Kafka platforms')
  .showHelpAfterError()
  .addCommand(labCommand())
  .addCommand(collectCommand())
  .addCommand(demoCommand())
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
