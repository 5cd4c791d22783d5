import { Option } from 'commander';
import type { Command } from 'commander';
import { defaultLabDir } from '../lab/src/paths.ts';

/**
 * `--lab-dir DIR`, the lab directory, named the same in every command (`--dir`, its older name on `lab` and
 * `demo`, is still taken, unlisted).
 */
export const withLabDir = (command: Command, what = 'lab directory'): Command =>
  command
    .option('--lab-dir <dir>', `${what} (env LOOKOUT_LAB_DIR)`, defaultLabDir())
    .addOption(new Option('--dir <dir>', 'the same as --lab-dir').hideHelp());

/** The lab directory a command was given. */
export const labDirOf = (opts: { labDir: string; dir?: string }): string => opts.dir ?? opts.labDir;
