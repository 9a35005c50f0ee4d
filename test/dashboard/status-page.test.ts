import { Decimal } from 'decimal.js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DashboardConfig } from '../../src/config/sections/dashboard-config.ts';
import { PAGES_OFF_TEXT, startDashboard, type Dashboard } from '../../src/dashboard/start-dashboard.ts';
import { createStatusPageExtrasReader } from '../../src/dashboard/status-page/status-page-extras-reader.ts';
import type { StatusPageExtras } from '../../src/dashboard/status-page/status-page-extras.ts';
import { readStatusPageExtras } from '../../src/dashboard/status-page/read-status-page-extras.ts';
import { statusPageRouter } from '../../src/dashboard/status-page/status-page-router.ts';
import { readStatus } from '../../src/status/read-status.ts';
import { sqlClientOf } from '../../src/status/sql-client.ts';
import { createStatusReader } from '../../src/status/status-reader.ts';
import type { StatusDocument } from '../../src/status/status-document.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { launchChromium } from '../support/launch-chromium.ts';
import { flatBar, PositionScenario } from '../support/position-scenario.ts';
import { scaled } from '../support/test-timing.ts';

const USER = 'operator';

/** As the page shows an amount: `40,520.25`. */
const cents = (value: string) =>
  Number(value).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const PASSWORD = 'a status page password';

describe('the status page at /', () => {
  let browser: Browser;
  let s: PositionScenario;
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
    s = await PositionScenario.start();
    log = captureLogger();
  });
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
    for (const dashboard of started.splice(0)) await dashboard.close();
    await s.cleanup();
  });

  /** The dashboard as the dashboard role mounts it, on a port the OS picks; `sources` default: the scenario's Redis and database. */
  async function start(
    password = PASSWORD,
    sources?: { status: () => Promise<StatusDocument>; extras: () => Promise<StatusPageExtras>; timeoutMs?: number },
  ): Promise<Dashboard> {
    const { h } = s;
    const control = h.control;
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
    const page = statusPageRouter({
      user: USER,
      control,
      status: sources?.status ?? status,
      extras: sources?.extras ?? extras,
      timeoutMs: sources?.timeoutMs,
      logger: log.logger,
    });
    const config = { ...DashboardConfig.parse({ user: USER, password }), port: 0 };
    // Connection options, not a shared client: each board queue then opens its own connection and
    // its close waits for it, so nothing is left in flight on a connection the test ends.
    const { hostname, port } = new URL(h.t.url);
    const connection = { host: hostname, port: Number(port || 6379), maxRetriesPerRequest: null };
    const dashboard = await startDashboard({
      config,
      connection,
      keys: h.t.keys,
      logger: log.logger,
      pages: [{ path: '/', router: page }],
    });
    started.push(dashboard);
    return dashboard;
  }

  /** A browser tab logged in with Basic credentials, recording console errors, page errors and every URL it requested. */
  async function open(dashboard: Dashboard): Promise<{ page: Page; errors: string[]; requested: string[] }> {
    const context = await browser.newContext({ httpCredentials: { username: USER, password: PASSWORD } });
    contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    const requested: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('request', (request) => requested.push(request.url()));
    await page.goto(`${dashboard.url}/`);
    return { page, errors, requested };
  }

  it('loads with no console error, its script and chart.js from the dashboard itself, and refreshes', async () => {
    await s.enter('0.01', '39000');
    await s.bar(flatBar('40500'));
    const dashboard = await start();
    const { page, errors, requested } = await open(dashboard);
    await page.locator('#trading-state', { hasText: 'RUNNING' }).waitFor();
    // The equity chart is drawn by chart.js from the snapshots the bars recorded.
    await page.waitForFunction(() => {
      const chart = (
        globalThis as unknown as {
          Chart?: { getChart(id: string): { data: { datasets: { data: unknown[] }[] } } | undefined };
        }
      ).Chart?.getChart('equity-chart');
      return (chart?.data.datasets[0]?.data.length ?? 0) > 0;
    });
    // A second refresh: the page updates itself.
    const first = await page.locator('#updated').textContent();
    await expect.poll(() => page.locator('#updated').textContent(), { timeout: scaled(10_000) }).not.toBe(first);
    expect(errors).toEqual([]);
    const foreign = requested.filter((url) => !url.startsWith(`${dashboard.url}/`) && !url.startsWith('data:'));
    expect(foreign).toEqual([]);
    expect(requested).toContain(`${dashboard.url}/page/assets/chart.umd.min.js`);
  });

  it('shows a position after a trade, with its stop resting on the exchange, and its stop order among the open orders', async () => {
    await s.enter('0.01', '39000');
    await s.bar(flatBar('40500'));
    const position = await s.position();
    expect(position).toMatchObject({ symbol: 'BTC/USD', side: 'long', protection: { stopLoss: '39000' } });
    const [stop] = await s.workingStops();
    expect(stop?.status).toBe('open');

    const dashboard = await start();
    const { page, errors } = await open(dashboard);
    const row = page.locator('#positions tbody tr', { hasText: 'BTC/USD' });
    await row.waitFor();
    // The last cell holds the row's close button, empty here: this dashboard has no trade desk.
    const cells = await row.locator('td').allTextContents();
    // The entry filled on the bar after the order, with the paper exchange's slippage: the figures come from the stored position.
    const pnl = new Decimal('40500').minus(position!.avgEntryPrice).times(position!.quantity);
    expect(cells).toEqual([
      'BTC/USD',
      'long',
      position!.quantity,
      cents(position!.avgEntryPrice),
      '40,500.00',
      `${pnl.gt(0) ? '+' : ''}${cents(pnl.toFixed())}`,
      '39,000.00',
      'yes (open)',
      '',
    ]);
    // The stop is also among the open orders, by its client order id.
    await page.locator('#orders tbody tr', { hasText: stop!.clientOrderId }).waitFor();
    expect(
      await page.locator('#orders tbody tr', { hasText: stop!.clientOrderId }).locator('td').nth(3).textContent(),
    ).toBe('stop_loss');
    expect(await page.locator('#equity').textContent()).toMatch(/^\$[\d,]+\.\d\d$/);
    expect(errors).toEqual([]);
  });

  it('without the database shows what Redis knows and says why the rest is missing, logging the outage once, not at every refresh', async () => {
    // A dashboard-only process on the embedded PGlite: the database belongs to the worker.
    const config = { ...s.h.config, database: { ...s.h.config.database, url: '' } };
    const statusReader = createStatusReader({ config, redis: s.h.t.redis, keys: s.h.t.keys });
    const extrasReader = createStatusPageExtrasReader({ config });
    const dashboard = await start(PASSWORD, { status: () => statusReader.read(), extras: () => extrasReader.read() });
    const { page, errors } = await open(dashboard);
    await page.locator('#trading-state', { hasText: 'RUNNING' }).waitFor();
    await page.locator('#error', { hasText: 'embedded PGlite of the running process' }).waitFor();
    const first = await page.locator('#updated').textContent();
    await expect.poll(() => page.locator('#updated').textContent(), { timeout: scaled(10_000) }).not.toBe(first);
    expect(await page.locator('#queues tbody tr').count()).toBeGreaterThan(1);
    const outages = log.warnings().filter((line) => line.msg === 'status page could not read a part of its data');
    expect(outages.map((line) => line.part)).toEqual(['extras']);
    expect(errors).toEqual([]);
  });

  it('answers its data within the timeout when a source never does, saying which part is missing', async () => {
    const status = () =>
      readStatus({
        redis: { redis: s.h.t.redis, keys: s.h.t.keys },
        database: { sql: sqlClientOf(s.h.database.database) },
        account: 'paper',
        timeframe: '1h',
        nowMs: s.h.clock.now(),
        timeoutMs: 5_000,
      });
    const dashboard = await start(PASSWORD, {
      status,
      extras: () => new Promise<never>(() => undefined),
      // Long enough for the real status read on a loaded machine (300 ms was not).
      timeoutMs: 1_500,
    });
    const started = Date.now();
    const res = await fetch(`${dashboard.url}/page/data`, {
      headers: { authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}` },
    });
    const data = (await res.json()) as { status: StatusDocument; extras: { error: string } };
    // Answered at the timeout, not never (a page that waited would hang until the test's own timeout).
    expect(Date.now() - started).toBeLessThan(1_500 + 5_000);
    expect(data.extras.error).toContain('no answer within 1500 ms');
    expect(data.status.complete).toBe(true);
  });

  it('halts the cluster from the halt button, with its options', async () => {
    const dashboard = await start();
    const { page, errors } = await open(dashboard);
    await page.locator('#trading-state', { hasText: 'RUNNING' }).waitFor();
    await page.locator('#halt-cancel-orders').check();
    await page.locator('#command-reason').fill('seen from the page');
    await page.locator('button[data-command="halt"]').click();
    await page.locator('#command-result', { hasText: 'RUNNING → HALTED' }).waitFor();
    const state = await s.h.t.redis.hgetall(s.h.t.keys.controlState);
    expect(state).toMatchObject({
      state: 'HALTED',
      cancelOrders: '1',
      flatten: '0',
      reason: 'seen from the page',
      requestedBy: `dashboard:${USER}`,
    });
    await page.locator('#trading-state', { hasText: 'HALTED' }).waitFor();
    expect(errors).toEqual([]);
  });

  it('leaves a halt by reset then resume, each confirmed in a dialog first, pauses, and says when a command is refused', async () => {
    await s.h.control.apply('halt', { requestedBy: 'test' });
    const dashboard = await start();
    const { page, errors } = await open(dashboard);
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.accept();
    });
    await page.locator('#trading-state', { hasText: 'HALTED' }).waitFor();
    await page.locator('button[data-command="reset"]').click();
    await page.locator('#command-result', { hasText: 'HALTED → PAUSED' }).waitFor();
    await page.locator('button[data-command="resume"]').click();
    await page.locator('#command-result', { hasText: 'PAUSED → RUNNING' }).waitFor();
    expect(dialogs).toHaveLength(2);
    await page.locator('button[data-command="pause"]').click();
    await page.locator('#command-result', { hasText: 'RUNNING → PAUSED' }).waitFor();
    expect(dialogs).toHaveLength(2);
    expect((await s.h.control.current()).state).toBe('PAUSED');
    // A command the state does not allow is said on the page, and changes nothing.
    await s.h.control.apply('halt', { requestedBy: 'test' });
    await page.locator('button[data-command="pause"]').click();
    await page.locator('#command-result', { hasText: 'pause failed: cannot pause while HALTED' }).waitFor();
    expect((await s.h.control.current()).state).toBe('HALTED');
    expect(errors.filter((e) => !e.includes('409'))).toEqual([]);
  });

  it('refuses a command without the CSRF token, or with a wrong one, and leaves the state alone', async () => {
    const dashboard = await start();
    const auth = { authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}` };
    const html = await (await fetch(`${dashboard.url}/`, { headers: auth })).text();
    const token = /<meta name="csrf-token" content="([^"]+)">/.exec(html)?.[1];
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const post = (headers: Record<string, string>) =>
      fetch(`${dashboard.url}/page/control/halt`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json', ...headers },
        body: '{}',
      });

    const attempts: Record<string, string>[] = [
      {},
      { 'x-csrf-token': '' },
      { 'x-csrf-token': `${token}x` },
      { 'x-csrf-token': token!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) },
    ];
    for (const headers of attempts) {
      const res = await post(headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(((await res.json()) as { error: string }).error).toContain('x-csrf-token');
    }
    expect((await s.h.control.current()).state).toBe('RUNNING');
    // The Host/Origin check still stands in front: the right token from a foreign origin is refused.
    expect((await post({ 'x-csrf-token': token!, origin: 'http://evil.example' })).status).toBe(403);
    expect((await s.h.control.current()).state).toBe('RUNNING');
    // Without credentials nothing is answered at all, token or not.
    const anonymous = await fetch(`${dashboard.url}/page/control/halt`, {
      method: 'POST',
      headers: { 'x-csrf-token': token!, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(anonymous.status).toBe(401);
    // The token itself is what lets a command through.
    const res = await post({ 'x-csrf-token': token! });
    expect(res.status).toBe(200);
    expect((await s.h.control.current()).state).toBe('HALTED');
  });

  it('is off without a password: / answers 503 saying to set DASHBOARD_PASSWORD', async () => {
    const dashboard = await start('');
    const res = await fetch(`${dashboard.url}/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toBe(PAGES_OFF_TEXT);
  });
});
