import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { DashboardConfig } from '../../src/config/sections/dashboard-config.ts';
import { withoutThirdPartyAssets } from '../../src/dashboard/self-hosted-board-adapter.ts';
import { startDashboard, type Dashboard } from '../../src/dashboard/start-dashboard.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { listenLocal } from '../support/listen-local.ts';
import type { TestRedis } from '../support/test-redis.ts';
import { scaled } from '../support/test-timing.ts';

const PASSWORD = 'a dashboard password for tests';
const AUTH = { authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}` };
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** `default-src 'self'; …` → `{ 'default-src': ["'self'"], … }`. */
function parseCsp(header: string | null): Record<string, string[]> {
  return Object.fromEntries(
    (header ?? '')
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...sources]) => [name!, sources]),
  );
}

describe('the dashboard security headers', () => {
  let t: TestRedis;
  let dashboard: Dashboard;

  it.beforeEach(async ({ redis }) => {
    t = redis;
    const config = { ...DashboardConfig.parse({ password: PASSWORD, host: '127.0.0.1' }), port: 0 };
    // Connection options, not a shared client: each queue closes its own connection when the
    // dashboard closes, so nothing Bull Board's page still asks for in the browser's last
    // moments meets a client the test disconnected (unheard "Connection is closed" rejections).
    dashboard = await startDashboard({
      config,
      connection: { url: t.url, maxRetriesPerRequest: null },
      keys: t.keys,
      logger: captureLogger().logger,
    });
  });
  afterEach(async () => {
    await dashboard.close();
  });

  it("are on every response, refusals included: a CSP that allows this server only and no framing, and helmet's others", async () => {
    const board = await (await fetch(`${dashboard.url}/ui`, { headers: AUTH })).text();
    const script = /src="(static\/js\/[^"]+)"/.exec(board)?.[1];
    expect(script).toBeDefined();
    const responses = {
      health: await fetch(`${dashboard.url}/healthz`),
      challenge: await fetch(`${dashboard.url}/ui`),
      board: await fetch(`${dashboard.url}/ui`, { headers: AUTH }),
      boardScript: await fetch(`${dashboard.url}/ui/${script}`, { headers: AUTH }),
      boardApi: await fetch(`${dashboard.url}/ui/api/queues`, { headers: AUTH }),
      notFound: await fetch(`${dashboard.url}/nowhere`, { headers: AUTH }),
      foreignHost: await fetch(`${dashboard.url}/ui/api/queues/risk/pause`, {
        method: 'PUT',
        headers: { ...AUTH, origin: 'http://attacker.example' },
      }),
    };
    for (const [name, res] of Object.entries(responses)) {
      const csp = parseCsp(res.headers.get('content-security-policy'));
      expect(csp['frame-ancestors'], name).toEqual(["'none'"]);
      expect(csp['default-src'], name).toEqual(["'self'"]);
      expect(csp['script-src'], name).toEqual(["'self'"]);
      expect(csp['object-src'], name).toEqual(["'none'"]);
      // No host of any kind, nor a scheme that would allow every host.
      for (const source of Object.values(csp).flat())
        expect(source, `${name}: ${source}`).toMatch(/^('[a-z-]+'|data:)$/);
      expect(res.headers.get('x-frame-options'), name).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), name).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), name).toBe('no-referrer');
      expect(res.headers.get('cross-origin-opener-policy'), name).toBe('same-origin');
    }
    // Only the board's page may use inline styles (its own markup and its editor's); nothing else.
    expect(parseCsp(responses.health.headers.get('content-security-policy'))['style-src']).toEqual(["'self'"]);
    expect(parseCsp(responses.board.headers.get('content-security-policy'))['style-src']).toEqual([
      "'self'",
      "'unsafe-inline'",
    ]);
  });

  it("serve Bull Board's page without any link to another host", async () => {
    const page = await (await fetch(`${dashboard.url}/ui/queue/risk`, { headers: AUTH })).text();
    expect(page).toContain('static/js/main.');
    expect(page).not.toContain('fonts.googleapis.com');
    expect(page).not.toMatch(/(href|src)=["']?(https?:)?\/\//i);
  });

  it(
    'let the board work in Chromium with nothing blocked and nothing fetched from another host, and keep it out of a frame',
    { timeout: scaled(60_000) },
    async () => {
      const browser = await chromium.launch({ executablePath: CHROMIUM });
      // A page of another origin that frames the board.
      const framer = await listenLocal(
        createServer((_req, res) => res.end(`<!doctype html><iframe src="${dashboard.url}/ui"></iframe>`)),
      );
      try {
        const context = await browser.newContext({ httpCredentials: { username: 'admin', password: PASSWORD } });
        const page = await context.newPage();
        const problems: string[] = [];
        const foreign: string[] = [];
        page.on('console', (message) => {
          if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
        });
        page.on('pageerror', (err) => problems.push(err.message));
        page.on('requestfailed', (req) => {
          // Aborted by the page itself: leaving a page cancels what it was still fetching (its
          // logo, a poll of the queues). A blocked request fails otherwise (ERR_BLOCKED_BY_CSP,
          // ERR_BLOCKED_BY_RESPONSE), and a refused one with a console error besides.
          if (req.failure()?.errorText !== 'net::ERR_ABORTED')
            problems.push(`failed: ${req.url()} (${req.failure()?.errorText})`);
        });
        page.on('request', (req) => {
          if (!req.url().startsWith(dashboard.url) && !req.url().startsWith('data:')) foreign.push(req.url());
        });

        await page.goto(`${dashboard.url}/ui`);
        await page.getByText('execution', { exact: true }).first().waitFor();
        await page.goto(`${dashboard.url}/ui/queue/sentiment`);
        await page.getByText('sentiment').first().waitFor();
        expect(problems).toEqual([]);
        expect(foreign).toEqual([]);

        // frame-ancestors 'none': the board never renders inside another site's page.
        await page.goto(framer.url);
        const frame = page.frames().find((f) => f !== page.mainFrame());
        expect(frame).toBeDefined();
        await expect
          .poll(async () => {
            const board = await frame!.$('#root').catch(() => null);
            return board === null && problems.some((p) => /frame-ancestors|Refused to (display|frame)/i.test(p));
          })
          .toBe(true);
      } finally {
        await framer.close();
        await browser.close();
      }
    },
  );
});

describe('withoutThirdPartyAssets', () => {
  it('drops the Google Fonts link of the page @bull-board/ui ships, and keeps its own assets', () => {
    const uiDir = dirname(createRequire(import.meta.url).resolve('@bull-board/ui/package.json'));
    const template = readFileSync(join(uiDir, 'dist', 'index.ejs'), 'utf8');
    expect(template).toContain('fonts.googleapis.com');
    const cleaned = withoutThirdPartyAssets(template);
    expect(cleaned).not.toContain('googleapis');
    expect(cleaned).not.toMatch(/(href|src)=["']?(https?:)?\/\//i);
    expect(cleaned).toContain('<link href="static/css/main.');
    expect(cleaned).toContain('<script defer src="static/js/main.');
    expect(cleaned.length).toBeGreaterThan(template.length - 200);
  });

  it('drops a protocol-relative script and a single-quoted link too', () => {
    const html = `<head><link rel='preconnect' href='https://fonts.gstatic.com'><script src="//cdn.example.com/x.js"></script><link href="static/a.css" rel="stylesheet"></head>`;
    expect(withoutThirdPartyAssets(html)).toBe('<head><link href="static/a.css" rel="stylesheet"></head>');
  });
});
