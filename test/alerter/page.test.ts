import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoTenants } from '../../lab/src/demo.ts';
import { startDemoStack } from '../../lab/src/demo-stack.ts';
import type { DemoStack } from '../../lab/src/demo-stack.ts';
import { currentLab, deleteProbeTopic, labKafka, until } from '../lab/lab.ts';

// The page and the tenant view on the lab, as `lookout demo` runs them (lab/src/demo-stack.ts, nothing changed
// for the test): the demo tenants' traffic with the slow `search-indexer`, the collector every 10 s, the default
// pack with the demo's one change (ConsumerLagHigh's `for` 1 m instead of 5 m: the demo's, said in the demo's
// output), an operator token and a tenant token per tenant. Screenshots go to .test-results/screenshots/.
const shots = join(import.meta.dirname, '..', '..', '.test-results', 'screenshots');

interface AlertOut {
  rule: string;
  phase: string;
  fingerprint: string;
  labels: Record<string, string>;
  incident: { receiver: string; labels: Record<string, string> };
  links: { runbook?: string; page?: string };
  firedAt?: string;
  activeSince?: string;
}

describe('the web page and the tenant view on the lab (headless Chromium, the demo as shipped)', () => {
  let demo: DemoStack;
  let browser: Browser;
  const get = async (path: string, token: string) => {
    const res = await fetch(`${demo.web}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const searchToken = () => demo.tenantTokens.get('search') ?? '';
  const paymentsToken = () => demo.tenantTokens.get('payments') ?? '';

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    demo = await startDemoStack(currentLab(), {
      log: pino({ level: 'silent' }),
      progress: () => undefined,
      say: () => undefined,
    });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    // The demo's collector made the probe topic (single-replica partitions): later drills kill brokers.
    await deleteProbeTopic();
    // The demo groups' backlog would be a later test's start (the demo traffic smoke test reads their lag).
    const admin = labKafka('page-test-cleanup').admin();
    await admin.connect();
    try {
      await admin.deleteGroups(demoTenants.flatMap((t) => t.groups.map((g) => g.id)));
    } finally {
      await admin.disconnect();
    }
  }, 60_000);

  const useToken = async (page: Page, token: string, who: string) => {
    await page.fill('#token', token);
    await page.click('#use-token');
    await page.waitForSelector(`#whoami:has-text("${who}")`);
  };

  it('shows on-call the slow group in its incident, since when, against its threshold, with links and a silence preview; a tenant its own groups, lag chart and topics only', async () => {
    // The slow group's alert, from real lag: pending once its lag passes the tenant's 10 s and keeps growing.
    const alert = await until('ConsumerLagHigh for search-indexer', 180_000, async () => {
      const { body } = await get('/api/alerts', demo.operatorToken);
      return (body.alerts as AlertOut[]).find(
        (a) => a.rule === 'ConsumerLagHigh' && a.labels.group === 'search-indexer' && a.phase !== 'resolved',
      );
    });
    expect(alert.incident).toEqual({
      receiver: 'tenants',
      labels: { tenant: 'search', alertname: 'ConsumerLagHigh', cluster: 'lab', group: 'search-indexer' },
      tenant: 'search',
    });
    expect(alert.links.runbook).toBe(`${demo.web}/docs/runbooks.md#consumerlaghigh`);
    expect(alert.links.page).toBe(`${demo.web}/#alert=${alert.fingerprint}`);
    expect(alert.activeSince).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/);
    // The lag chart needs a few of the collector's cycles stored.
    await until('3 readings of the search tenant’s lag', 60_000, async () => {
      const { body } = await get('/api/tenants/search/lag-history?hours=1', searchToken());
      const groups = body.groups as { group: string; times: string[] }[];
      return groups.find((g) => g.group === 'search-indexer' && g.times.length >= 3);
    });

    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    // The page link a receiver gets opens the alert, marked.
    await page.goto(alert.links.page ?? demo.web);
    await useToken(page, demo.operatorToken, 'operator');
    const block = page.locator(`#alert-${alert.fingerprint}`);
    await block.waitFor();
    expect(await block.getAttribute('class')).toContain('target');
    const box = page.locator('.incident', { has: block });
    expect(await box.locator('h4').textContent()).toMatch(
      /^ConsumerLagHigh tenant=search cluster=lab group=search-indexer 1 alert · to tenants$/,
    );
    expect(await block.locator('.since').textContent()).toMatch(/^(pending|firing) since \d+[sm] ago$/);
    expect(await block.locator('.value').textContent()).toMatch(/^value [\d,.]+ against threshold 10$/);
    expect(await block.locator('.evidence').textContent()).toContain('topic=search.clicks');
    expect(await block.locator('a', { hasText: 'runbook' }).getAttribute('href')).toBe(alert.links.runbook);
    await page.screenshot({ path: join(shots, 'lab-operator-alerts.png'), fullPage: true });
    // "Silence…" pre-fills the alert's labels and previews what it would mute: this one alert.
    await block.locator('button[data-silence]').click();
    expect(await page.inputValue('input[name=matchers]')).toBe(
      'alertname="ConsumerLagHigh" cluster="lab" group="search-indexer" tenant="search"',
    );
    await page.waitForSelector('#preview-count:has-text("Would mute 1 alert now")');
    expect(await page.textContent('#preview')).toContain('ConsumerLagHigh');
    await page.screenshot({ path: join(shots, 'lab-silence-preview.png'), fullPage: true });

    // The search tenant's view: its alert, its group now, its lag chart and its topic's rate; nobody else's.
    await useToken(page, searchToken(), 'tenant search');
    await page.waitForSelector('#tenant-title:has-text("Alerts of search")');
    await page.waitForSelector('#tenant-alerts .alert:has-text("ConsumerLagHigh")');
    const row = page.locator('#tenant-groups tr', { hasText: 'search-indexer' });
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 5)).toEqual(['search-indexer', 'lab', 'classic', 'Stable', '1']);
    expect(Number(cells[6]?.replaceAll(',', ''))).toBeGreaterThan(0);
    expect(Number(cells[7]?.replaceAll(',', ''))).toBeGreaterThan(0);
    expect(await page.locator('#tenant-groups tr').count()).toBe(1);
    await page.waitForSelector('#lag-chart .uplot');
    expect(await page.locator('.uplot').count()).toBe(2);
    expect(await page.locator('#lag-chart .u-legend').textContent()).toContain('search-indexer');
    const topic = page.locator('#tenant-topics tr', { hasText: 'search.clicks' });
    await topic.waitFor();
    expect(Number((await topic.locator('td').nth(2).textContent())?.replaceAll(',', ''))).toBeGreaterThan(5);
    expect(await page.textContent('#tenants')).not.toContain('payments');
    expect(await page.locator('button[data-silence]:visible').count()).toBe(0);
    await page.screenshot({ path: join(shots, 'lab-tenant-view.png'), fullPage: true });
    await page.close();

    // The same boundary in the API: Burrow-style lag for its own group; another tenant's is not there for it.
    const lag = await get('/api/lag/lab/search-indexer', searchToken());
    expect(lag.status).toBe(200);
    expect(lag.body.status).toBe('WARN');
    expect(lag.body.owner).toBe('search');
    expect((await get('/api/lag/lab/search-indexer', paymentsToken())).status).toBe(404);
    expect((await get('/api/tenants/search/lag-history', paymentsToken())).status).toBe(403);
    expect((await get('/api/tenants/search/topics', paymentsToken())).status).toBe(403);
  }, 300_000);
});
