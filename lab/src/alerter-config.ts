import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadTenantsFile } from '../../model/src/tenants.ts';
import type { AlerterSetup } from '../../alerter/src/config.ts';
import { loadRules } from '../../rules/src/load.ts';
import type { LabState } from './state.ts';
import { labResources } from './paths.ts';

/**
 * An alerter for the lab: the default rule pack over the lab's influxd, its state in the lab directory, the
 * demo tenants' catalog when the demo wrote one. `overrides` let a drill shorten the pack's grace periods.
 */
export function labAlerterSetup(
  state: LabState,
  options: {
    database?: string;
    intervalMs?: number;
    listen?: string;
    /** The address its links are absolute over (`public_url`). */
    publicUrl?: string;
    statePath?: string;
    tenantsFile?: string;
    overrides?: AlerterSetup['config']['overrides'];
    notify?: AlerterSetup['config']['notify'];
    secrets?: AlerterSetup['secrets'];
  } = {},
): AlerterSetup {
  const rulesDir = join(labResources, '..', 'rules', 'kafka');
  const loaded = loadRules([rulesDir]);
  if (loaded.errors.length > 0)
    throw new Error(`the default rule pack does not load: ${loaded.errors[0]?.message}`);
  const tenantsFile = options.tenantsFile ?? join(state.dir, 'tenants.yaml');
  const tenants = existsSync(tenantsFile) ? loadTenantsFile(tenantsFile) : undefined;
  return {
    config: {
      influx: { url: state.influx.url, database: options.database ?? 'lookout', timeout: 5_000 },
      rules: [rulesDir],
      ...(tenants?.ok === true ? { tenants: tenantsFile } : {}),
      evaluation: { interval: options.intervalMs ?? 10_000, watch_collector: 1_000, window_cache: true },
      state: { path: options.statePath ?? join(state.dir, 'alerts.db') },
      listen: options.listen ?? '127.0.0.1:9310',
      ...(options.publicUrl === undefined ? {} : { public_url: options.publicUrl }),
      overrides: options.overrides ?? {},
      api: options.secrets?.operatorToken === undefined ? {} : { operator_token_env: 'LOOKOUT_TOKEN' },
      ...(options.notify === undefined ? {} : { notify: options.notify }),
    },
    secrets: options.secrets ?? { routingKeys: {} },
    rules: loaded.rules,
    ...(tenants?.ok === true ? { tenants: tenants.value } : {}),
  };
}
