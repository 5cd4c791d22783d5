import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { about } from './about.ts';
import { Command } from 'commander';
import { formatConfigErrors } from '../model/src/config-file.ts';
import { loadTenantsFile } from '../model/src/tenants.ts';
import { tokenHash } from '../alerter/src/tenants-source.ts';
import { loadRules } from '../rules/src/load.ts';
import { tenantThresholdNames } from '../rules/src/tenant-thresholds.ts';

/** The default rule pack, as shipped beside the CLI. */
const shippedPack = fileURLToPath(new URL('../rules/kafka', import.meta.url));

/** `lookout tenants check|token`: the ownership catalog. */
export function tenantsCommand(): Command {
  const tenants = new Command('tenants').description(about.tenants);
  tenants
    .command('check')
    .description('check a tenants file: print every error as file:line:column and exit 1')
    .argument('<file>', 'tenants YAML')
    .option(
      '--rules <paths...>',
      'rule files and folders whose tenant thresholds the catalog may set (default: the shipped pack)',
      [shippedPack],
    )
    .action((file: string, opts: { rules: string[] }) => {
      const rules = loadRules(opts.rules);
      if (rules.errors.length > 0) {
        console.error(formatConfigErrors(rules.errors));
        process.exitCode = 1;
        return;
      }
      const loaded = loadTenantsFile(file, tenantThresholdNames(rules.rules));
      if (!loaded.ok) {
        console.error(formatConfigErrors(loaded.errors));
        process.exitCode = 1;
        return;
      }
      const t = loaded.value.tenants;
      console.log(
        `${file}: valid (${t.length} tenants, ${t.reduce((n, x) => n + x.topics.length, 0)} topic and ${t.reduce((n, x) => n + x.groups.length, 0)} group patterns)`,
      );
    });
  tenants
    .command('token')
    .description('make a random tenant API token: give the token to the tenant, put its hash in tenants.yaml')
    .action(() => {
      const token = randomBytes(24).toString('base64url');
      console.log(`token:            ${token}`);
      console.log(`api_token_sha256: ${tokenHash(token)}`);
    });
  return tenants;
}
