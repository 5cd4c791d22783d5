import { join } from 'node:path';
import { loadTenantsFile } from '../../model/src/tenants.ts';
import { loadRules } from '../../rules/src/load.ts';
import type { AlerterSetup } from '../src/config.ts';

const pack = join(import.meta.dirname, '..', '..', 'rules', 'kafka');

/**
 * The setup the API tests start a real alerter with: the pack as shipped, the tenants file given, an evaluation
 * every second, its state in `dir`, listening on a free port, `operatorToken` as the operator's token.
 */
export function apiTestSetup(o: {
  influx: { url: string; database: string; timeout: number };
  tenantsFile: string;
  dir: string;
  windowCache: boolean;
  operatorToken: string;
}): AlerterSetup {
  const tenants = loadTenantsFile(o.tenantsFile);
  if (!tenants.ok) throw new Error(`bad tenants file: ${tenants.errors[0]?.message ?? ''}`);
  return {
    config: {
      influx: o.influx,
      rules: [pack],
      tenants: o.tenantsFile,
      evaluation: { interval: 1_000, watch_collector: 0, window_cache: o.windowCache },
      state: { path: join(o.dir, 'alerts.db') },
      listen: '127.0.0.1:0',
      overrides: {},
      api: { operator_token_env: 'LOOKOUT_TEST_TOKEN' },
    },
    rules: loadRules([pack]).rules,
    tenants: tenants.value,
    secrets: { operatorToken: o.operatorToken, routingKeys: {} },
  };
}
