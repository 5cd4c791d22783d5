import { about } from './about.ts';
import { Command } from 'commander';
import { labDirOf, withLabDir } from './lab-dir.ts';
import { pino } from 'pino';
import { loadAlerterSetup } from '../alerter/src/config.ts';
import { formatConfigErrors } from '../model/src/config-file.ts';
import type { AlerterSetup } from '../alerter/src/config.ts';
import { labAlerterSetup } from '../lab/src/alerter-config.ts';
import { requireState } from '../lab/src/control.ts';
import { stopAndExit, untilStopSignal } from './signals.ts';

interface AlertOptions {
  config?: string;
  lab?: boolean;
  labDir: string;
  dir?: string;
}

function setupOf(opts: AlertOptions): AlerterSetup {
  if (opts.config !== undefined && opts.lab === true)
    throw new Error('give --config FILE or --lab, not both');
  if (opts.lab === true) return labAlerterSetup(requireState(labDirOf(opts)));
  if (opts.config === undefined) throw new Error('give --config FILE, or --lab to watch the running lab');
  const loaded = loadAlerterSetup(opts.config, process.env);
  if (!loaded.ok) throw new Error(`invalid config:\n${formatConfigErrors(loaded.errors)}`);
  return loaded.value;
}

/** `lookout alert`: the rule engine and its API, or a config check. */
export function alertCommand(): Command {
  const alert = withLabDir(
    new Command('alert')
      .description(about.alert)
      .option('--config <file>', 'alerter YAML config')
      .option('--lab', 'watch the running lab with the default rule pack'),
  ).action(async (opts: AlertOptions) => {
    const setup = setupOf(opts);
    const log = pino({ name: 'alerter', level: process.env.LOG_LEVEL ?? 'info' }, pino.destination(2));
    // The service's modules (the API, the store, the senders) only when it runs, not for a check.
    const { startAlerter } = await import('../alerter/src/main.ts');
    const running = await startAlerter(setup, log);
    const address = running.server.address();
    console.error(
      `alerter: ${setup.rules.length} rules; API on ${typeof address === 'object' && address !== null ? `${address.address}:${address.port}` : setup.config.listen}`,
    );
    await untilStopSignal();
    await stopAndExit(
      () => running.stop(),
      (line) => log.warn(line),
    );
  });
  alert
    .command('check-config')
    .description(
      'check an alerter config, its rules and tenants; print every error as file:line:column and exit 1',
    )
    .argument('<file>', 'alerter YAML config')
    .action((file: string) => {
      const loaded = loadAlerterSetup(file, process.env);
      if (!loaded.ok) {
        console.error(formatConfigErrors(loaded.errors));
        process.exitCode = 1;
        return;
      }
      console.log(`${file}: valid (${loaded.value.rules.length} rules)`);
    });
  return alert;
}
