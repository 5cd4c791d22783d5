import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../../lab/src/ports.ts';
import { startAlerter } from '../src/main.ts';
import { apiTestSetup } from './api-setup.ts';
import type { RunningAlerter } from '../src/main.ts';
import { tokenHash } from '../src/tenants-source.ts';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'lookout.mjs');
/** Screenshots of the page, kept with the test output. */
const shots = join(import.meta.dirname, '..', '..', '.test-results', 'screenshots');
mkdirSync(shots, { recursive: true });

// The alerter's API and web page on a real alerter. Its InfluxDB is a closed port, so the engine raises its own
// alerts (LookoutStoreUnreachable, LookoutWatchdog): enough to read, filter, silence and isolate.
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
const operatorToken = 'op-secret-token-123';
const shopToken = 'shop-token-456';
const tenantsYaml = (extra = '') => `tenants:
  - name: shop
    contacts: [shop@example.com]
    topics: [shop.*]
    groups: [shop-*]
    api_token_sha256: ${tokenHash(shopToken)}
  - name: search
    contacts: [search@example.com]
    groups: [search-*]
${extra}`;

describe('the alerter API and web page', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-api-'));
  const tenantsFile = join(dir, 'tenants.yaml');
  let alerter: RunningAlerter;
  let base: string;
  let browser: Browser;
  const call = (path: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: {
        'content-type': 'application/json',
        ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
      },
    });

  beforeAll(async () => {
    writeFileSync(tenantsFile, tenantsYaml());
    const [dead] = await freePorts(1);
    const setup = apiTestSetup({
      influx: { url: `http://127.0.0.1:${dead}`, database: 'none', timeout: 500 },
      tenantsFile,
      dir,
      windowCache: false,
      operatorToken,
    });
    alerter = await startAlerter(setup, pino({ level: 'silent' }));
    base = `http://127.0.0.1:${(alerter.server.address() as AddressInfo).port}`;
    for (let i = 0; i < 50 && alerter.lastReport() === undefined; i += 1) await sleep(100);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await alerter?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks for a token, and tells a tenant token from the operator one', async () => {
    expect((await call('/api/alerts')).status).toBe(401);
    expect((await call('/api/alerts', { token: 'nope' })).status).toBe(401);
    expect(await (await call('/api/whoami', { token: operatorToken })).json()).toEqual({ role: 'operator' });
    expect(await (await call('/api/whoami', { token: shopToken })).json()).toEqual({
      role: 'tenant',
      tenant: 'shop',
    });
    expect((await call('/healthz')).status).toBe(503); // the store is unreachable
    expect((await call('/metrics')).status).toBe(200);
    const runbooks = await call('/docs/runbooks.md');
    expect(runbooks.status).toBe(200);
    expect(await runbooks.text()).toContain('### LookoutNotificationsFailing');
  });

  it('filters alerts and validates filters', async () => {
    const all = (await (await call('/api/alerts', { token: operatorToken })).json()) as {
      alerts: { rule: string }[];
    };
    expect(all.alerts.map((a) => a.rule)).toEqual(['LookoutStoreUnreachable', 'LookoutWatchdog']);
    const pages = (await (
      await call('/api/alerts?severity=page&state=firing', { token: operatorToken })
    ).json()) as {
      alerts: { rule: string; owner?: string }[];
    };
    // Nobody owns the alerter's own alerts: no owner field at all (not an empty one).
    expect(pages.alerts.map((a) => a.rule)).toEqual(['LookoutStoreUnreachable']);
    expect(pages.alerts[0]).not.toHaveProperty('owner');
    const bad = await call('/api/alerts?severity=urgent&colour=red', { token: operatorToken });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { details: string[] }).details.join('\n')).toMatch(/severity[\s\S]*colour/);
  });

  it("gives a tenant token only its own tenant's alerts and nothing operators-only", async () => {
    const own = (await (await call('/api/alerts', { token: shopToken })).json()) as { alerts: unknown[] };
    expect(own.alerts).toEqual([]);
    expect((await call('/api/tenants/search/alerts', { token: shopToken })).status).toBe(403);
    expect((await call('/api/alerts?tenant=search', { token: shopToken })).status).toBe(403);
    expect((await call('/api/tenants/shop/alerts', { token: shopToken })).status).toBe(200);
    expect((await call('/api/silences', { token: shopToken })).status).toBe(403);
    expect((await call('/api/notifications', { token: shopToken })).status).toBe(403);
    const tenants = (await (await call('/api/tenants', { token: shopToken })).json()) as {
      tenants: { name: string }[];
    };
    expect(tenants.tenants.map((t) => t.name)).toEqual(['shop']);
    expect((await call('/api/tenants/nobody/alerts', { token: operatorToken })).status).toBe(404);
  });

  it('lists the rules: what each reads and decides, the batch once; file:line and errors for operators only', async () => {
    type Rules = { evaluation?: { at: string; durationMs: number }; rules: Record<string, unknown>[] };
    const ops = (await (await call('/api/rules', { token: operatorToken })).json()) as Rules;
    expect(ops.evaluation?.at).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/);
    const stalled = ops.rules.find((r) => r.rule === 'ConsumerStalled');
    expect(stalled).toMatchObject({
      severity: 'ticket',
      audience: ['tenant'],
      metric: 'consumer_group.lag_seconds_max',
      window: '2m',
      reduce: 'last',
      op: '>',
      threshold: { tenant: 'lag_seconds', default: 300 },
      for: '0s',
      and: ['consumer_group.committed_offset_sum', 'consumer_group.members'],
      pending: 0,
      firing: 0,
    });
    expect(String(stalled?.file)).toMatch(/consumers\.yaml:\d+$/);
    expect(ops.rules.every((r) => !('durationMs' in r))).toBe(true);
    const shop = (await (await call('/api/rules', { token: shopToken })).json()) as Rules;
    expect(shop.rules.map((r) => r.rule)).toEqual(ops.rules.map((r) => r.rule));
    expect(JSON.stringify(shop)).not.toContain(dir); // no server path, not even the catalog's folder
    expect(shop.rules.some((r) => 'file' in r || 'error' in r)).toBe(false);
    expect((await call('/api/rules')).status).toBe(401);
  });

  it('previews what a silence would mute before it is made; speaks ISO 8601 times', async () => {
    const preview = (body: unknown, token = operatorToken) =>
      call('/api/silences/preview', { method: 'POST', token, body: JSON.stringify(body) });
    const one = await preview({
      matchers: ['alertname="LookoutWatchdog"'],
      duration: '1h',
      createdBy: 'x',
      comment: 'y',
    });
    const answer = (await one.json()) as { matches: { rule: string }[]; refused?: string };
    expect(answer).toEqual({ matches: [expect.objectContaining({ rule: 'LookoutWatchdog' })] });
    const all = (await (
      await preview({ matchers: ['alertname=~".+"'], duration: '1h', createdBy: 'x', comment: 'y' })
    ).json()) as { matches: unknown[]; refused?: string };
    expect(all.refused).toMatch(/^these matchers silence every alert/);
    expect(all.matches.length).toBeGreaterThanOrEqual(2);
    expect(
      (await preview({ matchers: ['cluster'], duration: '1h', createdBy: 'x', comment: 'y' })).status,
    ).toBe(400);
    expect(
      (await preview({ matchers: ['cluster="a"'], duration: '1h', createdBy: 'x', comment: 'y' }, shopToken))
        .status,
    ).toBe(403);
    // Nothing was made.
    const { silences } = (await (await call('/api/silences', { token: operatorToken })).json()) as {
      silences: unknown[];
    };
    expect(silences).toEqual([]);
    const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
    const { alerts } = (await (await call('/api/alerts', { token: operatorToken })).json()) as {
      alerts: {
        activeSince: string;
        firedAt: string;
        lastActiveAt: string;
        links: { runbook: string; page: string };
      }[];
    };
    for (const a of alerts) {
      expect(a.activeSince).toMatch(iso);
      expect(a.firedAt).toMatch(iso);
      expect(a.links.runbook.startsWith(`${base}/docs/runbooks.md#`)).toBe(true);
      expect(a.links.page.startsWith(`${base}/#alert=`)).toBe(true);
    }
    expect(((await (await call('/healthz')).json()) as { lastEvaluation: string }).lastEvaluation).toMatch(
      iso,
    );
  });

  it('creates, lists and expires silences; every bad input is a 4xx saying why', async () => {
    const post = (body: unknown, token = operatorToken) =>
      call('/api/silences', {
        method: 'POST',
        token,
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    expect(
      (
        await post(
          { matchers: ['alertname="LookoutStoreUnreachable"'], duration: '1h', createdBy: 'x', comment: 'y' },
          shopToken,
        )
      ).status,
    ).toBe(403);
    const broken = await post('{"matchers": [');
    expect([broken.status, ((await broken.json()) as { error: string }).error]).toEqual([
      400,
      'the body is not valid JSON',
    ]);
    const invalid = await post({
      matchers: ['cluster'],
      duration: 'soon',
      createdBy: '',
      comment: 'y',
      extra: 1,
    });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { details: string[] }).details.join('\n')).toMatch(
      /not a matcher[\s\S]*duration[\s\S]*createdBy[\s\S]*extra/,
    );
    const both = await post({
      matchers: ['a="b"'],
      duration: '1h',
      endsAt: '2030-01-01T00:00:00Z',
      createdBy: 'x',
      comment: 'y',
    });
    expect(both.status).toBe(400);
    const past = await post({
      matchers: ['a="b"'],
      endsAt: '2020-01-01T00:00:00Z',
      createdBy: 'x',
      comment: 'y',
    });
    expect(((await past.json()) as { error: string }).error).toMatch(/end after it starts|in the future/);

    const created = await post({
      matchers: ['alertname="LookoutStoreUnreachable"'],
      duration: '1h',
      createdBy: 'ops',
      comment: 'influx migration',
    });
    expect(created.status).toBe(201);
    const silence = (await created.json()) as { id: string; state: string };
    expect(silence.state).toBe('active');
    const alerts = (await (await call('/api/alerts?state=firing', { token: operatorToken })).json()) as {
      alerts: { rule: string; silencedBy?: string }[];
    };
    expect(alerts.alerts.find((a) => a.rule === 'LookoutStoreUnreachable')?.silencedBy).toBe(silence.id);
    expect((await call('/api/silences/not-a-uuid', { method: 'DELETE', token: operatorToken })).status).toBe(
      400,
    );
    expect(
      (
        await call('/api/silences/00000000-0000-0000-0000-000000000000', {
          method: 'DELETE',
          token: operatorToken,
        })
      ).status,
    ).toBe(404);
    const expired = await call(`/api/silences/${silence.id}?by=ops`, {
      method: 'DELETE',
      token: operatorToken,
    });
    expect(((await expired.json()) as { state: string }).state).toBe('expired');
  });

  it('lookout silence add | list | expire and lookout alerts work through the API', async () => {
    // The alerter runs in this process: the CLI must run beside it, not block it.
    const run = (args: string[], env: NodeJS.ProcessEnv) =>
      new Promise<{ status: number; stdout: string; stderr: string }>((ok) => {
        execFile(
          process.execPath,
          [bin, ...args],
          { env: { ...process.env, ...env } },
          (err, stdout, stderr) =>
            ok({ status: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr }),
        );
      });
    const cli = (...args: string[]) =>
      run(['silence', ...args], { LOOKOUT_URL: base, LOOKOUT_TOKEN: operatorToken });
    const added = await cli(
      'add',
      'cluster="lab"',
      'broker="2"',
      '--duration',
      '2h',
      '--author',
      'ops',
      '--comment',
      'broker 2 disk swap',
    );
    expect(added.status).toBe(0);
    const id = added.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const listed = await cli('list');
    expect(listed.stdout).toContain(`${id}  active`);
    expect(listed.stdout).toContain('cluster="lab" broker="2"  # broker 2 disk swap');
    expect((await cli('expire', id)).stdout).toContain(`${id}  expired`);
    expect((await cli('list')).stdout).not.toContain(id);
    expect((await cli('list', '--all')).stdout).toContain(id);
    const bad = await cli('add', 'broker', '--duration', '2h', '--comment', 'x');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("400 invalid silence\n  matchers.0: 'broker' is not a matcher");
    // A recurring mute timing from the CLI: every Tuesday and Thursday, 02:00-04:00 in Berlin, for 90 days.
    const timing = await cli(
      'add',
      'cluster="lab"',
      '--duration',
      '90d',
      '--every',
      'tue,thu 2:00-04:00 Europe/Berlin',
      '--comment',
      'patching',
    );
    expect(timing.status).toBe(0);
    expect((await cli('list')).stdout).toMatch(
      new RegExp(`${timing.stdout.trim()}  (active |pending).*every tue,thu 02:00-04:00 Europe/Berlin`),
    );
    expect((await cli('expire', timing.stdout.trim())).status).toBe(0);
    const badZone = await cli(
      'add',
      'cluster="lab"',
      '-d',
      '1d',
      '--every',
      '02:00-04:00 Mars/Base',
      '-c',
      'x',
    );
    expect(badZone.stderr).toContain('every.timeZone: an IANA time zone');
    const badWindow = await cli('add', 'cluster="lab"', '-d', '1d', '--every', 'tuesdays', '-c', 'x');
    expect(badWindow.stderr).toContain('expected [DAYS] HH:MM-HH:MM [TIME_ZONE]');
    const denied = await run(['silence', '--url', base, 'list'], { LOOKOUT_TOKEN: shopToken });
    expect(denied.stderr).toContain('403 this needs the operator token');

    // lookout alerts: what the alerter holds, a line each, filtered by the API.
    const alerts = (...args: string[]) =>
      run(['alerts', ...args], { LOOKOUT_URL: base, LOOKOUT_TOKEN: operatorToken });
    // Side by side: each call is a CLI process start.
    const [firing, json, wrong, version] = await Promise.all([
      alerts('--state', 'firing'),
      alerts('--json'),
      alerts('--state', 'burning'),
      run(['--version'], {}),
    ]);
    expect(firing.status).toBe(0);
    expect(firing.stdout).toMatch(
      /^firing\s+page\s+LookoutStoreUnreachable {2}\d{4}-\d\d-\d\dT[\d:.]+Z {2}value \d+ {2}.*# /m,
    );
    const answer = JSON.parse(json.stdout) as { alerts: { rule: string }[] };
    expect(answer.alerts.map((a) => a.rule)).toContain('LookoutStoreUnreachable');
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toContain("argument 'burning' is invalid");
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('reloads the tenants catalog: a bad file keeps the last good one and raises LookoutConfigInvalid', async () => {
    writeFileSync(tenantsFile, tenantsYaml('  - name: Bad Name\n'));
    const invalid = await waitFor(async () => {
      const r = (await (await call('/api/alerts', { token: operatorToken })).json()) as {
        alerts: { rule: string; labels: Record<string, string> }[];
      };
      return r.alerts.find((a) => a.rule === 'LookoutConfigInvalid');
    });
    expect(invalid.labels.file).toBe(tenantsFile);
    const still = (await (await call('/api/tenants', { token: operatorToken })).json()) as {
      tenants: { name: string }[];
    };
    expect(still.tenants.map((t) => t.name)).toEqual(['shop', 'search']);
    expect((await call('/api/whoami', { token: shopToken })).status).toBe(200);
    // A threshold no rule reads (a misspelling) is refused as well: the tenant would never get it.
    writeFileSync(tenantsFile, tenantsYaml('  - name: billing\n    thresholds: { lag_second: 30 }\n'));
    const misspelt = await waitFor(async () => {
      const r = (await (await call('/api/alerts', { token: operatorToken })).json()) as {
        alerts: { rule: string; annotations: Record<string, string> }[];
      };
      const a = r.alerts.find((x) => x.rule === 'LookoutConfigInvalid');
      return a !== undefined && JSON.stringify(a.annotations).includes('lag_second') ? a : undefined;
    });
    expect(JSON.stringify(misspelt.annotations)).toContain('did you mean \\"lag_seconds\\"?');
    writeFileSync(tenantsFile, tenantsYaml('  - name: logistics\n    groups: [logistics-*]\n'));
    await waitFor(async () => {
      const r = (await (await call('/api/tenants', { token: operatorToken })).json()) as {
        tenants: { name: string }[];
      };
      return r.tenants.length === 3 ? true : undefined;
    });
  });

  it('hot-reloads 10,000 tenants without holding the event loop; huge, deep and alias-bomb files keep the last good one, with file:line', async () => {
    // Whether the catalog in force has a tenant (a small answer: the test's polling holds the loop little).
    const has = async (name: string): Promise<boolean> =>
      (await call(`/api/tenants/${name}/alerts`, { token: operatorToken })).status === 200;
    const invalid = async (): Promise<string | undefined> => {
      const r = (await (await call('/api/alerts', { token: operatorToken })).json()) as {
        alerts: { rule: string; phase: string; annotations: Record<string, string> }[];
      };
      const a = r.alerts.find((x) => x.rule === 'LookoutConfigInvalid' && x.phase !== 'resolved');
      return a === undefined ? undefined : JSON.stringify(a.annotations);
    };
    const many = Array.from(
      { length: 10_000 },
      (_, i) =>
        `  - name: team-${i}\n    priority: 1\n    contacts: [t${i}@example.com]\n    topics: [team-${i}.*, ledger-${i}]\n    groups: ['*-team-${i}']\n`,
    ).join('');
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    writeFileSync(tenantsFile, tenantsYaml(many));
    await waitFor(async () => ((await has('team-9999')) ? true : undefined), 30_000);
    delay.disable();
    const p99 = delay.percentile(99) / 1e6;
    const max = delay.max / 1e6;
    console.log(
      `reload of 10,002 tenants: event-loop delay p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms`,
    );
    // The reload's own work is parsed and checked in a child and applied 500 tenants per task: p99 within the
    // issue's 50 ms. The worst single delay also holds the test's and the other test worker's share of 2 cores
    // and the collection of the old catalog (17–130 ms measured); reading 10,000 tenants on the loop took 42 s
    // before, half a second at best.
    expect(p99).toBeLessThanOrEqual(50);
    expect(max).toBeLessThanOrEqual(250);

    const long = `${'a*'.repeat(10_000)}b`;
    const hostile = {
      'two 20,000-character globs': [
        tenantsYaml(`  - name: x\n    topics: ['${long}']\n  - name: y\n    topics: ['${long}c']\n`),
        ':11:14:',
      ],
      'an alias bomb': [
        `a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ntenants: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n`,
        ':2:',
      ],
      'a structure 100,000 deep': [`tenants: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`, ':1:'],
    } as const;
    // One bad file after another: each read is told by its own file:line, the 10,002 tenants stay in force.
    for (const [what, [text, at]] of Object.entries(hostile)) {
      writeFileSync(tenantsFile, text);
      const said = await waitFor(async () => {
        const now = await invalid();
        return now?.includes(`${tenantsFile}${at}`) === true ? now : undefined;
      }, 30_000);
      expect(said, what).toContain(`${tenantsFile}${at}`);
      expect((await call('/api/whoami', { token: operatorToken })).status, what).toBe(200);
      expect(await has('team-9999'), what).toBe(true);
    }
    writeFileSync(tenantsFile, tenantsYaml('  - name: logistics\n    groups: [logistics-*]\n'));
    await waitFor(async () => ((await has('team-9999')) ? undefined : true), 30_000);
    expect(await has('logistics')).toBe(true);
  });

  it('serves a web page for on-call: incidents, since when, value, links, a silence from an alert with its live preview, a recurring mute timing; a tenant view (headless Chromium)', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(base);
    await page.fill('#token', operatorToken);
    await page.click('#use-token');
    await page.waitForSelector('#whoami:has-text("operator")');
    // Firing alerts in incident boxes (the dispatcher's groups), with since when, value and an absolute runbook link.
    const unreachable = page.locator('#firing .alert', { hasText: 'LookoutStoreUnreachable' });
    await unreachable.waitFor();
    expect(await unreachable.locator('.since').textContent()).toMatch(/^firing since \d+s ago$/);
    expect(await unreachable.locator('.value').textContent()).toMatch(/^value /);
    expect(await unreachable.locator('a', { hasText: 'runbook' }).getAttribute('href')).toBe(
      `${base}/docs/runbooks.md#lookoutstoreunreachable`,
    );
    expect(await page.locator('#firing .incident').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('#firing .incident h4').first().textContent()).toMatch(
      /1 alert · (not notified|to \w+)/,
    );
    // Resolved ones (the catalog reload's, when the test before ran) only under Resolved.
    expect(await page.locator('#firing .since', { hasText: 'resolved' }).count()).toBe(0);
    expect(await page.locator('#resolved .since', { hasText: 'firing' }).count()).toBe(0);
    await page.screenshot({ path: join(shots, 'page-operator-alerts.png'), fullPage: true });
    await page.selectOption('select[name=severity]', 'info');
    await page.click('#filters button');
    await page.waitForFunction("document.querySelectorAll('#firing .alert').length === 1");
    expect(await page.textContent('#firing')).toContain('LookoutWatchdog');

    // "Silence…" on the watchdog: the silences tab with its labels as matchers, and the preview of what it mutes.
    await page.click('#firing .alert button[data-silence]');
    await page.waitForSelector('#silences:not([hidden])');
    expect(await page.inputValue('input[name=matchers]')).toBe('alertname="LookoutWatchdog"');
    await page.waitForSelector('#preview-count:has-text("Would mute 1 alert now")');
    expect(await page.textContent('#preview')).toContain('LookoutWatchdog (firing)');
    // A matcher that matches everything says it would be refused, before anything is made.
    await page.fill('input[name=matchers]', 'alertname=~".+"');
    await page.waitForSelector('#preview:has-text("Would be refused")');
    expect(await page.textContent('#preview-count')).toMatch(/Would mute [2-9]\d* alerts now/);
    // A recurring mute timing: the watchdog, tomorrow's weekday (UTC) 02:00-04:00, for 30 days.
    const tomorrow =
      ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][(new Date().getUTCDay() + 1) % 7] ?? 'mon';
    await page.fill('input[name=matchers]', 'alertname="LookoutWatchdog" cluster=~"lab|prod"');
    // The watchdog has no cluster label: the preview says this would mute nothing.
    await page.waitForSelector('#preview-count:has-text("Would mute 0 alerts now.")');
    await page.fill('input[name=matchers]', 'alertname="LookoutWatchdog"');
    await page.fill('input[name=duration]', '30d');
    await page.fill('input[name=createdBy]', 'web-test');
    await page.fill('input[name=comment]', 'patching window');
    await page.check('input[name=recurring]');
    await page.check(`input[name=day][value=${tomorrow}]`);
    await page
      .waitForFunction(
        "document.querySelector('#preview-count')?.textContent === 'Would mute 1 alert now:' && !document.querySelector('#preview .refused')",
        undefined,
        { timeout: 5_000 },
      )
      .catch(async (e: unknown) => {
        throw new Error(`preview: ${await page.textContent('#preview')} (${String(e)})`);
      });
    await page.screenshot({ path: join(shots, 'page-silence-preview.png'), fullPage: true });
    await page.click('#new-silence button');
    const timing = page.locator('#silence-rows tr', { hasText: 'patching window' });
    await timing.waitFor();
    expect(await timing.textContent()).toContain(`${tomorrow} 02:00–04:00 UTC`);
    // Outside its window a mute timing is pending: the watchdog stays unmuted.
    expect(await timing.locator('td').nth(1).textContent()).toBe('pending');
    const { silences } = (await (await call('/api/silences', { token: operatorToken })).json()) as {
      silences: { comment: string; every?: unknown; startsAt: string }[];
    };
    const made = silences.find((x) => x.comment === 'patching window');
    expect(made?.every).toEqual({ weekdays: [tomorrow], from: '02:00', to: '04:00', timeZone: 'UTC' });
    expect(made?.startsAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    await timing.locator('button').click();
    await page.locator('#silence-rows tr', { hasText: 'expired' }).first().waitFor();
    // A bad silence shows the API's reason.
    await page.uncheck('input[name=recurring]');
    await page.fill('input[name=matchers]', 'cluster');
    await page.fill('input[name=createdBy]', 'web-test');
    await page.fill('input[name=comment]', 'bad');
    await page.click('#new-silence button');
    await page.waitForSelector('#error:has-text("not a matcher")');

    // A tenant token sees its own tenant only: its alerts, and its groups, which come from InfluxDB, which this
    // alerter cannot reach: said in their table. No "Silence…" buttons for a tenant.
    await page.fill('#token', shopToken);
    await page.click('#use-token');
    await page.waitForSelector('#whoami:has-text("tenant shop")');
    await page.waitForSelector('#tenant-title:has-text("Alerts of shop")');
    await page.waitForSelector('#tenant-groups:has-text("Not read: the consumer groups cannot be read")');
    await page.waitForSelector('#tenant-topics:has-text("Not read")');
    expect(await page.locator('#tenant-rows tr').count()).toBe(1);
    expect(await page.locator('button[data-silence]').count()).toBe(0);
    await page.screenshot({ path: join(shots, 'page-tenant-unreachable-store.png'), fullPage: true });
    await page.close();
  }, 60_000);
});

async function waitFor<T>(probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(200);
  }
}
