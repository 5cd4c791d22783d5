import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { catalog } from '../model/src/catalog.ts';
import { connectInflux } from '../collector/src/sink/influx.ts';
import { currentLab, deleteProbeTopic } from './lab/lab.ts';

const run = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', ['bin/lookout.mjs', ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

describe('the lookout command', () => {
  afterAll(deleteProbeTopic);
  it('--help lists its subcommands', async () => {
    const { code, stdout } = await run('--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\s+lab\b/m);
    expect(stdout).toMatch(/^\s+demo\b/m);
    expect(stdout).toMatch(/^\s+rules\b/m);
    expect(stdout).toMatch(/^\s+alert\b/m);
  });

  it('runs as built JavaScript, rebuilt when a source is newer, finding the files its sources name', async () => {
    const main = 'dist/cli/main.js';
    await run('--version');
    const built = statSync(main).mtimeMs;
    // A source edited (its time moved on): the next call builds again before it runs.
    const source = 'cli/about.ts';
    const now = new Date();
    utimesSync(source, now, now);
    const { code, stdout } = await run('--version');
    expect([code, stdout.trim()]).toEqual([0, '0.1.0']);
    expect(statSync(main).mtimeMs).toBeGreaterThan(built);
    // Paths its sources take relative to themselves: the shipped pack, the dashboards' output, the lab's files.
    expect((await run('tenants', 'check', 'collector/examples/tenants.yaml')).code).toBe(0);
    expect((await run('dashboards', 'check')).stdout).toContain('dashboards/out/ is up to date');
    const lab = await run('lab', 'status', '--json');
    expect(lab.code).toBe(0);
  });

  it('lab --help lists every fault control', async () => {
    const { stdout } = await run('lab', '--help');
    for (const cmd of [
      'up',
      'status',
      'down',
      'kill-broker',
      'stop-broker',
      'start-broker',
      'pause-broker',
      'resume-broker',
    ]) {
      expect(stdout).toContain(cmd);
    }
  });

  it('lab status --json describes the running lab', async () => {
    const lab = currentLab();
    const { code, stdout } = await run('lab', 'status', '--json', '--lab-dir', lab.dir);
    expect(code).toBe(0);
    const status = JSON.parse(stdout) as {
      brokers: { id: number; bootstrap: string; jmx: string; jolokia: string; pid: number; state: string }[];
      influx: { url: string; pid: number };
    };
    expect(status.brokers.map((b) => b.id)).toEqual([1, 2, 3]);
    for (const b of status.brokers) {
      expect(b.bootstrap).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(b.jmx).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect(b.jolokia).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/jolokia\/$/);
      expect(b.state).toBe('running');
      expect(b.pid).toBeGreaterThan(0);
    }
    expect(status.influx.url).toBe(lab.influx.url);
  });

  it('says clearly when there is no lab, or no such broker, and exits 1', async () => {
    const none = await run('lab', 'status', '--dir', '/nonexistent/lookout-lab'); // --dir: the older name of --lab-dir
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("no lab in /nonexistent/lookout-lab: start one with 'lookout lab up'");
    const missing = await run('lab', 'kill-broker', '7', '--lab-dir', currentLab().dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no broker 7 in this lab (brokers: 1, 2, 3)');
  });

  it('collect check-config says a good config is valid and lists every error of a bad one with file:line', async () => {
    const good = await run('collect', 'check-config', 'collector/examples/collector.yaml');
    expect(good).toMatchObject({
      code: 0,
      stdout: 'collector/examples/collector.yaml: valid (1 cluster(s), 3 broker(s))\n',
    });
    const bad = await run('collect', 'check-config', 'test/fixtures/collector-bad.yaml');
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toEqual([
      'test/fixtures/collector-bad.yaml:4:34: spool.max_bytes: Too small: expected number to be >=1048576',
      'test/fixtures/collector-bad.yaml:6:5: clusters.0.brokers: Invalid input: expected array, received undefined',
      'test/fixtures/collector-bad.yaml:8:9: clusters.0.bootstrap.0: expected host:port',
    ]);
  });

  it('rules check and rules test report the pack valid and passing, and a failure with its file:line', async () => {
    const check = await run('rules', 'check', 'rules/kafka');
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/^rules\/kafka: \d+ rules, valid\n$/);
    const pack = await run(
      'rules',
      'test',
      'rules/kafka/brokers.test.yaml',
      'rules/kafka/consumers.test.yaml',
    );
    expect(pack.code).toBe(0);
    expect(pack.stdout).toMatch(/tests in 2 files; all passed/);
    // A folder: the test files in it.
    const folder = await run('rules', 'test', 'rules/kafka');
    expect(folder.code).toBe(0);
    const files = readdirSync('rules/kafka').filter((f) => f.endsWith('.test.yaml')).length;
    expect(folder.stdout).toMatch(new RegExp(`^\\d+ tests in ${files} files; all passed$`, 'm'));
    const failing = await run('rules', 'test', 'test/fixtures/rules-failing.test.yaml');
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain(
      'test/fixtures/rules-failing.test.yaml:8: FAIL expects a page that the grace prevents: KafkaBrokerDown at 2m: expected {cluster="a", broker="1"} firing; firing: none',
    );
  });

  it('alert check-config says the example is valid and lists every error of a bad one with file:line', async () => {
    const good = await run('alert', 'check-config', 'alerter/examples/alerter.yaml');
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/^alerter\/examples\/alerter.yaml: valid \(\d+ rules\)\n$/);
    const bad = await run('alert', 'check-config', 'test/fixtures/alerter-bad.yaml');
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toEqual([
      'test/fixtures/alerter-bad.yaml:5:25: evaluation.interval: must divide a minute (1s…30s) or an hour (1m…30m)',
      'test/fixtures/alerter-bad.yaml:8:19: overrides.KafkaBrokerDwn: no rule is named KafkaBrokerDwn',
    ]);
  });

  it('alert check-config lists every routing and notification error with file:line', async () => {
    const schema = await run('alert', 'check-config', 'test/fixtures/alerter-notify-bad.yaml');
    expect(schema.code).toBe(1);
    expect(schema.stderr.trim().split('\n')).toEqual([
      'test/fixtures/alerter-notify-bad.yaml:9:31: notify.receivers.oncall.webhook.url: an http(s) URL',
      `test/fixtures/alerter-notify-bad.yaml:14:20: notify.route.routes.0.matchers.0: 'severity=~"("': not a regular expression (RE2 syntax): error parsing regexp: missing closing ): \`(\``,
    ]);
    const unrouted = await run('alert', 'check-config', 'test/fixtures/alerter-notify-unrouted.yaml');
    expect(unrouted.code).toBe(1);
    expect(unrouted.stderr.trim().split('\n')).toEqual([
      'test/fixtures/alerter-notify-unrouted.yaml:6:9: listen: the API listens beyond this machine (0.0.0.0:9310): set api.operator_token_env',
      'test/fixtures/alerter-notify-unrouted.yaml:9:24: notify.receivers.oncall.webhook: the pagerduty format needs routing_key_env',
      'test/fixtures/alerter-notify-unrouted.yaml:10:14: notify.receivers.tenants: an email receiver needs notify.smtp',
      'test/fixtures/alerter-notify-unrouted.yaml:10:29: notify.receivers.tenants.email.to: to: owner needs the tenants catalog (tenants: FILE)',
      'test/fixtures/alerter-notify-unrouted.yaml:12:5: notify.route: the routing tree names receiver nobody, which notify.receivers does not define',
    ]);
  });

  it('tenants check says the example is valid and lists errors with file:line; tenants token makes a token and its hash', async () => {
    const good = await run('tenants', 'check', 'collector/examples/tenants.yaml');
    expect(good.code).toBe(0);
    expect(good.stdout).toBe(
      'collector/examples/tenants.yaml: valid (4 tenants, 4 topic and 3 group patterns)\n',
    );
    const bad = await run('tenants', 'check', 'test/fixtures/tenants-bad.yaml');
    expect([bad.code, bad.stderr.trim()]).toEqual([
      1,
      'test/fixtures/tenants-bad.yaml:4:39: tenants.0.quiet_hours.to: a time of day as HH:MM (24 h)',
    ]);
    const overlap = await run('tenants', 'check', 'test/fixtures/tenants-overlap.yaml');
    expect(overlap.stderr.trim()).toBe(
      "test/fixtures/tenants-overlap.yaml:5:14: tenants.1.topics.0: 'shop*' and tenant shop's 'shop.*' can match the same name: give one tenant a higher priority",
    );
    // A threshold no rule of the pack reads (a misspelling) is refused, with the name it likely means.
    const misspelt = await run('tenants', 'check', 'test/fixtures/tenants-misspelt.yaml');
    expect([misspelt.code, misspelt.stderr.trim()]).toEqual([
      1,
      'test/fixtures/tenants-misspelt.yaml:6:19: tenants.0.thresholds.lag_second: no rule reads a threshold "lag_second" (did you mean "lag_seconds"?); the rules read: lag_messages, lag_seconds',
    ]);
    const token = await run('tenants', 'token');
    const [, plain = '', hash = ''] =
      /token: +(\S+)\napi_token_sha256: ([0-9a-f]{64})\n/.exec(token.stdout) ?? [];
    expect(createHash('sha256').update(plain).digest('hex')).toBe(hash);
  });

  it('collect --lab --once writes one cycle and prints its summary', async () => {
    const { code, stdout } = await run(
      'collect',
      '--lab',
      '--once',
      '--lab-dir',
      currentLab().dir,
      '--database',
      'cli_once',
    );
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as { targets: { up: boolean }[]; points: number; written: number };
    expect(summary.targets).toHaveLength(12); // liveness, admin, disk, lag, probe, per broker JMX and Jolokia, the host
    expect(summary.targets.every((t) => t.up)).toBe(true);
    expect(summary.written).toBe(summary.points);

    // Every catalog broker field, for every broker, from the text exporter and from Jolokia alike.
    const influx = await connectInflux({ url: currentLab().influx.url, database: 'cli_once' });
    const fields = Object.keys(catalog.broker.fields);
    const rows = await influx.query<Record<string, unknown>>(
      `SELECT ${fields.map((f) => `last("${f}") AS "${f}"`).join(', ')} FROM "broker" WHERE time > now() - 10m AND time <= now() + 1m GROUP BY "broker", "source"`,
    );
    expect(rows.map((r) => `${String(r.broker)}/${String(r.source)}`).sort()).toEqual([
      '1/jmx',
      '1/jolokia',
      '2/jmx',
      '2/jolokia',
      '3/jmx',
      '3/jolokia',
    ]);
    for (const row of rows) expect(fields.filter((f) => row[f] === null || row[f] === undefined)).toEqual([]);
    const [cluster] = await influx.query<{ brokers: number }>(
      `SELECT last("brokers_registered") AS brokers FROM "cluster" WHERE time > now() - 10m AND time <= now() + 1m`,
    );
    expect(cluster?.brokers).toBe(3);
    const dirs = await influx.query<{ used: number }>(
      `SELECT last("used_ratio") AS used FROM "log_dir" WHERE time > now() - 10m AND time <= now() + 1m GROUP BY "broker"`,
    );
    expect(dirs).toHaveLength(3);
    await influx.dropDatabase('cli_once');
  });

  it('pause-broker and resume-broker hang and revive a broker', async () => {
    const dir = currentLab().dir;
    expect((await run('lab', 'pause-broker', '3', '--lab-dir', dir)).code).toBe(0);
    const paused = JSON.parse((await run('lab', 'status', '--json', '--lab-dir', dir)).stdout) as {
      brokers: { id: number; state: string }[];
    };
    expect(paused.brokers.find((b) => b.id === 3)?.state).toBe('paused');
    expect((await run('lab', 'resume-broker', '3', '--lab-dir', dir)).code).toBe(0);
    const resumed = JSON.parse((await run('lab', 'status', '--json', '--lab-dir', dir)).stdout) as {
      brokers: { id: number; state: string }[];
    };
    expect(resumed.brokers.find((b) => b.id === 3)?.state).toBe('running');
  });
});
