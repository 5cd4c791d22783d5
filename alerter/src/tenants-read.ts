// The child process of a hot reload (tenants-aside.ts): reads and checks one tenants file, prints the outcome on
// stdout as lines of JSON (the outcome, then one tenant per line, so the alerter reads them a few at a time).
// Kept apart so that a big or hostile catalog costs the alerter's event loop nothing.
import { loadTenantsFile } from '../../model/src/tenants.ts';

// argv: the file, and the threshold names the rules read (comma-separated), if they are checked.
const names = process.argv[3];
const loaded = loadTenantsFile(
  process.argv[2] ?? '',
  names === undefined ? undefined : names.split(',').filter(Boolean),
);
const lines = loaded.ok
  ? [
      JSON.stringify({ ok: true, tenants: loaded.value.tenants.length }),
      ...loaded.value.tenants.map((t) => JSON.stringify(t)),
    ]
  : [JSON.stringify(loaded)];
process.stdout.write(`${lines.join('\n')}\n`);
