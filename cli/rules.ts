import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { about } from './about.ts';
import { Command } from 'commander';
import { formatConfigErrors } from '../model/src/config-file.ts';
import { loadRules } from '../rules/src/load.ts';
import { runTestFile } from '../rules/src/test-runner.ts';

/** `lookout rules`: check rule files, run rule tests. */
export function rulesCommand(): Command {
  const rules = new Command('rules').description(about.rules);
  rules
    .command('check')
    .description('load rule files; print every error as file:line:column and exit 1, or count the rules')
    .argument('[paths...]', 'rule files or folders', ['rules'])
    .action((paths: string[]) => {
      const loaded = loadRules(paths);
      if (loaded.errors.length > 0) {
        console.error(formatConfigErrors(loaded.errors));
        process.exitCode = 1;
        return;
      }
      console.log(`${paths.join(', ')}: ${loaded.rules.length} rules, valid`);
    });
  rules
    .command('test')
    .description('run promtool-style rule tests (input series, evaluation times, expected alerts)')
    .argument('<paths...>', 'rule test files (*.test.yaml), or folders of them')
    .action(async (paths: string[]) => {
      // A folder stands for the test files in it (and below).
      const files = paths.flatMap((p) =>
        statSync(p, { throwIfNoEntry: false })?.isDirectory() === true
          ? readdirSync(p, { recursive: true, encoding: 'utf8' })
              .filter((f) => f.endsWith('.test.yaml'))
              .sort()
              .map((f) => join(p, f))
          : [p],
      );
      if (files.length === 0) throw new Error(`no *.test.yaml in ${paths.join(', ')}`);
      let tests = 0;
      let failed = 0;
      for (const file of files) {
        const report = await runTestFile(file);
        tests += report.tests;
        if (report.errors.length > 0) {
          console.error(formatConfigErrors(report.errors));
          failed += 1;
          continue;
        }
        for (const f of report.failures) console.error(`${f.file}:${f.line}: FAIL ${f.test}: ${f.message}`);
        failed += report.failures.length;
        console.log(`${file}: ${report.tests} tests, ${report.failures.length} failed`);
      }
      console.log(
        `${tests} tests in ${files.length} files; ${failed === 0 ? 'all passed' : `${failed} failed`}`,
      );
      if (failed > 0) process.exitCode = 1;
    });
  return rules;
}
