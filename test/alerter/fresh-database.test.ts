import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startAlerter } from '../../alerter/src/main.ts';
import { labAlerterSetup } from '../../lab/src/alerter-config.ts';
import { currentLab, uniqueName } from '../lab/lab.ts';

// An alerter started before the collector has created its database (compose starts them together): the
// rules read "nothing collected yet", none fails, and nothing is raised.
describe('an alerter ahead of the collector', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-fresh-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('evaluates the pack over a database that does not exist yet without a failing rule', async () => {
    const alerter = await startAlerter(
      labAlerterSetup(currentLab(), {
        database: uniqueName('never').replaceAll('-', '_'),
        listen: '127.0.0.1:0',
        statePath: join(dir, 'alerts.db'),
      }),
      pino({ level: 'error' }, pino.destination(2)),
    );
    try {
      for (let i = 0; i < 100 && alerter.lastReport() === undefined; i += 1)
        await new Promise((ok) => setTimeout(ok, 100));
      expect(alerter.lastReport()?.storeError).toBeUndefined();
      expect(alerter.engine.ruleStatus().filter((s) => s.health !== 'ok')).toEqual([]);
      const raised = alerter.engine.alerts().filter((a) => a.rule !== 'LookoutWatchdog');
      expect(raised.map((a) => `${a.rule} ${a.phase}`)).toEqual([]);
    } finally {
      await alerter.stop();
    }
  });
});
