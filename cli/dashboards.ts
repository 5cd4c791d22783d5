import { relative } from 'node:path';
import { about } from './about.ts';
import { Command } from 'commander';
import { outDir, staleDashboards, writeDashboards } from '../dashboards/src/build.ts';

/** `lookout dashboards build|check`: Grafana dashboards as code. */
export function dashboardsCommand(): Command {
  const cmd = new Command('dashboards').description(about.dashboards);
  cmd
    .command('build')
    .description('write every dashboard as UID.json')
    .option('--out <dir>', 'output folder', outDir)
    .action((o: { out: string }) => {
      for (const f of writeDashboards(o.out)) console.log(relative(process.cwd(), f));
    });
  cmd
    .command('check')
    .description('exit 1 if the committed dashboards/out/ differs from what the code builds')
    .action(() => {
      const stale = staleDashboards();
      if (stale.length > 0) {
        console.error(`stale dashboards: ${stale.join(', ')}; run npx lookout dashboards build`);
        process.exitCode = 1;
        return;
      }
      console.log('dashboards/out/ is up to date');
    });
  return cmd;
}
