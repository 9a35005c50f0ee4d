import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/clock.ts';
import { DashboardConfig } from '../../src/config/sections/dashboard-config.ts';
import { startDashboard, type Dashboard } from '../../src/dashboard/start-dashboard.ts';
import { readStatusPageExtras } from '../../src/dashboard/status-page/read-status-page-extras.ts';
import { statusPageRouter } from '../../src/dashboard/status-page/status-page-router.ts';
import { riskDecisions } from '../../src/db/schema/risk-decisions.ts';
import { readStatus } from '../../src/status/read-status.ts';
import { sqlClientOf } from '../../src/status/sql-client.ts';
import { TradeDesk } from '../../src/trades/trade-desk.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { launchChromium } from '../support/launch-chromium.ts';
import { flatBar, PositionScenario } from '../support/position-scenario.ts';
import { scaled } from '../support/test-timing.ts';

const USER = 'operator';
const PASSWORD = 'a status page password';
const AUTH = { authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}` };

/**
 * Manual trades from the status page's form and row buttons, in headless Chromium, over the real
 * risk and execution workers and the paper exchange: the page calls `POST /page/trade/…` with its
 * CSRF token and shows the trade desk's outcome.
 */
describe('manual trades on the status page', () => {
  let browser: Browser;
  let s: PositionScenario;
  let desk: TradeDesk;
  let log: ReturnType<typeof captureLogger>;
  const started: Dashboard[] = [];
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    s = await PositionScenario.start({ price: '40000' });
    await s.h.control.recover(s.h.database.db);
    await s.h.startWorkers(['risk', 'execution'], { exchange: s.paper });
    log = captureLogger();
    desk = new TradeDesk({
      config: s.h.config,
      db: s.h.database.db,
      bus: s.h.t.bus,
      redis: s.h.t.redis,
      keys: s.h.t.keys,
      riskQueue: s.h.queue('risk'),
      executionQueue: s.h.queue('execution'),
      instruments: s.h.deps.instruments,
      clock: systemClock,
      logger: log.logger,
    });
  });
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
    for (const dashboard of started.splice(0)) await dashboard.close();
    await s.cleanup();
  });

  /** The dashboard as the dashboard role mounts the page, with the trade desk unless `withDesk` is false. */
  async function start(withDesk = true): Promise<Dashboard> {
    const { h } = s;
    const status = () =>
      readStatus({
        redis: { redis: h.t.redis, keys: h.t.keys },
        database: { sql: sqlClientOf(h.database.database) },
        account: 'paper',
        timeframe: '1h',
        nowMs: h.clock.now(),
        timeoutMs: 5_000,
      });
    const extras = () =>
      readStatusPageExtras({
        db: h.database.db,
        account: 'paper',
        budgetUsd: h.config.llm.dailyBudgetUsd,
        nowMs: h.clock.now(),
      });
    const trades = withDesk ? { desk, pairs: h.config.symbols.pairs } : undefined;
    const page = statusPageRouter({ user: USER, control: h.control, status, extras, logger: log.logger, trades });
    const { hostname, port } = new URL(h.t.url);
    const connection = { host: hostname, port: Number(port || 6379), maxRetriesPerRequest: null };
    const dashboard = await startDashboard({
      config: { ...DashboardConfig.parse({ user: USER, password: PASSWORD }), port: 0 },
      connection,
      keys: h.t.keys,
      logger: log.logger,
      pages: [{ path: '/', router: page }],
    });
    started.push(dashboard);
    return dashboard;
  }

  /** A logged-in tab that accepts every dialog (recorded) and records console and page errors. */
  async function open(
    dashboard: Dashboard,
    state = 'RUNNING',
  ): Promise<{ page: Page; errors: string[]; dialogs: string[] }> {
    const context = await browser.newContext({ httpCredentials: { username: USER, password: PASSWORD } });
    contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    const dialogs: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.accept();
    });
    await page.goto(`${dashboard.url}/`);
    await page.locator('#trading-state', { hasText: state }).waitFor();
    return { page, errors, dialogs };
  }

  async function fillOpenForm(page: Page, form: { usd: string; stop?: string; takeProfit?: string }): Promise<void> {
    await page.locator('#trade-pair').selectOption('BTC/USD');
    await page.locator('#trade-usd').fill(form.usd);
    await page.locator('#trade-stop').fill(form.stop ?? '');
    await page.locator('#trade-take-profit').fill(form.takeProfit ?? '');
    await page.locator('#trade-open').click();
  }

  it(
    'opens a trade from the form that risk approves and the paper exchange fills: the position then shows with its stop, requested by dashboard:<user>',
    async () => {
      const dashboard = await start();
      const { page, errors, dialogs } = await open(dashboard);
      expect(await page.locator('#trade-pair option').allTextContents()).toEqual(s.h.config.symbols.pairs);
      await fillOpenForm(page, { usd: '250', stop: '2', takeProfit: '4' });
      await page
        .locator('#trade-result', {
          hasText: 'open placed: buy BTC/USD approved for 0.00625 (notional 250 USD); order ',
        })
        .waitFor({ timeout: scaled(40_000) });
      expect(dialogs).toEqual(['Buy 250 USD of BTC/USD at market (stop 2 % below, take profit 4 % above)?']);
      const [decision] = await s.h.database.db.select().from(riskDecisions);
      expect(decision?.proposal).toMatchObject({
        source: 'operator',
        requestedBy: `dashboard:${USER}`,
        notionalUsd: '250',
        stopLoss: '39200',
        takeProfit: '41600',
      });

      await s.bar(flatBar('40000'));
      // The position shows once taken in, its stop resting a moment later (a refresh between
      // the two shows it unprotected on a loaded machine): wait for the stop.
      const row = page.locator('#positions tbody tr', { hasText: 'BTC/USD' }).filter({ hasText: 'yes (open)' });
      await row.waitFor({ timeout: scaled(10_000) });
      expect((await row.locator('td').allTextContents()).slice(0, 3)).toEqual(['BTC/USD', 'long', '0.00625']);
      expect((await row.locator('td').allTextContents()).slice(6, 8)).toEqual(['39,200.00', 'yes (open)']);
      // The protective stop is listed among the open orders without a cancel button (the desk would refuse it).
      const [stop] = await s.workingStops();
      const stopRow = page.locator('#orders tbody tr', { hasText: stop!.clientOrderId });
      await stopRow.waitFor();
      expect(await stopRow.locator('button').count()).toBe(0);
      expect(errors).toEqual([]);
    },
    scaled(60_000),
  );

  it(
    'shows a denial with its reasons while PAUSED, and opens nothing',
    async () => {
      await s.h.control.apply('pause', { requestedBy: 'test' });
      const dashboard = await start();
      const { page, errors } = await open(dashboard, 'PAUSED');
      await fillOpenForm(page, { usd: '100', stop: '2' });
      await page
        .locator('#trade-result', {
          hasText: 'open denied: buy BTC/USD denied by risk: cluster_state: the cluster is PAUSED',
        })
        .waitFor({ timeout: scaled(40_000) });
      expect(await page.locator('#trade-result').getAttribute('class')).toBe('neg');
      expect(await s.orders()).toEqual([]);
      expect(errors).toEqual([]);
    },
    scaled(60_000),
  );

  it(
    'closes a share of a position from its row, the typed share kept across refreshes and confirmed first; cancels a resting order from its row',
    async () => {
      await desk.open({ pair: 'BTC/USD', usd: '250', stopPct: '2' }, 'test');
      await s.bar(flatBar('40000'));
      expect((await s.position())?.quantity).toBe('0.00625');
      const limit = await s.place({
        clientOrderId: 'resting-limit-page',
        side: 'buy',
        type: 'limit',
        intent: 'entry',
        purpose: 'entry',
        quantity: '0.001',
        limitPrice: '30000',
      });

      const dashboard = await start();
      const { page, errors, dialogs } = await open(dashboard);
      const row = page.locator('#positions tbody tr', { hasText: 'BTC/USD' });
      await row.locator('input').fill('50');
      // A refresh redraws the figures, not the share being typed.
      const first = await page.locator('#updated').textContent();
      await expect.poll(() => page.locator('#updated').textContent(), { timeout: scaled(10_000) }).not.toBe(first);
      expect(await row.locator('input').inputValue()).toBe('50');
      await row.locator('button', { hasText: 'Close' }).click();
      await page
        .locator('#trade-result', { hasText: 'close placed: close (50 %) BTC/USD approved for 0.003125' })
        .waitFor({ timeout: scaled(40_000) });
      expect(dialogs).toEqual(['Close 50 % of the BTC/USD position at market?']);
      await s.bar(flatBar('40000'));
      expect(await s.position()).toMatchObject({ quantity: '0.003125' });
      await row.locator('td', { hasText: /^0\.003125$/ }).waitFor({ timeout: scaled(10_000) });

      await page
        .locator('#orders tbody tr', { hasText: limit.order.clientOrderId })
        .locator('button', { hasText: 'Cancel' })
        .click();
      await page
        .locator('#trade-result', { hasText: 'cancel canceled: order resting-limit-page is canceled' })
        .waitFor({ timeout: scaled(40_000) });
      expect(dialogs).toHaveLength(1);
      expect(errors).toEqual([]);
    },
    scaled(90_000),
  );

  it(
    'refuses a trade without the CSRF token (403) or from a foreign origin, and sends nothing',
    async () => {
      const dashboard = await start();
      const html = await (await fetch(`${dashboard.url}/`, { headers: AUTH })).text();
      const token = /<meta name="csrf-token" content="([^"]+)">/.exec(html)?.[1];
      const post = (headers: Record<string, string>, body: unknown = { pair: 'BTC/USD', usd: '250', stopPct: '2' }) =>
        fetch(`${dashboard.url}/page/trade/open`, {
          method: 'POST',
          headers: { ...AUTH, 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
        });

      const attempts: Record<string, string>[] = [{}, { 'x-csrf-token': '' }, { 'x-csrf-token': `${token}x` }];
      for (const headers of attempts) {
        const res = await post(headers);
        expect(res.status, JSON.stringify(headers)).toBe(403);
        expect(((await res.json()) as { error: string }).error).toContain('x-csrf-token');
      }
      expect((await post({ 'x-csrf-token': token!, origin: 'http://evil.example' })).status).toBe(403);
      expect(Object.values(await s.h.queue('risk').getJobCounts()).reduce((a, b) => a + b, 0)).toBe(0);
      expect(await s.h.database.db.select().from(riskDecisions)).toEqual([]);
      // With the token the body is the trade desk's to judge: the control API's validation, its error.
      const bad = await post({ 'x-csrf-token': token! }, { pair: 'BTC/USD', usd: 250 });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({
        code: 'INPUT_INVALID',
        error: expect.stringMatching(/usd: expected an amount in USD/) as unknown,
      });
    },
    scaled(30_000),
  );

  it(
    'without a trade desk says trades are unavailable, and the endpoints answer 503',
    async () => {
      const dashboard = await start(false);
      const { page, errors } = await open(dashboard);
      await page.locator('#trade-result', { hasText: 'Manual trades are unavailable' }).waitFor();
      expect(await page.locator('#trade-open').isDisabled()).toBe(true);
      expect(await page.locator('#trade-usd').isDisabled()).toBe(true);
      const html = await (await fetch(`${dashboard.url}/`, { headers: AUTH })).text();
      const token = /<meta name="csrf-token" content="([^"]+)">/.exec(html)?.[1];
      const res = await fetch(`${dashboard.url}/page/trade/open`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/json', 'x-csrf-token': token! },
        body: '{"pair":"BTC/USD","usd":"250"}',
      });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        error: 'manual trades are off in this process (it has no database)',
        code: 'UNAVAILABLE',
      });
      expect(errors).toEqual([]);
    },
    scaled(30_000),
  );
});
