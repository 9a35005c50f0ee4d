import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { type Request, type Response, type Router } from 'express';
import type { ControlPlane } from '../../control/control-plane.ts';
import { answerTradeRequest, type ManualTrades } from '../../control/answer-trade-request.ts';
import { answerControlCommand } from '../../control/answer-control-command.ts';
import type { Logger } from '../../shared/logger.ts';
import { projectRoot } from '../../shared/project-root.ts';
import { redactSecrets } from '../../shared/redact-secrets.ts';
import { httpErrorReply } from '../../shared/http-error-reply.ts';
import { jsonBodyOnly } from '../../shared/json-body-only.ts';
import { describeError } from '../../shared/triplegain-error.ts';
import type { StatusDocument } from '../../status/status-document.ts';
import { CSRF_HEADER, csrfTokens, type CsrfTokens } from './csrf-tokens.ts';
import type { StatusPageExtras } from './status-page-extras.ts';

/** Where the page's own files are: resolved from the project root, so sources and a compiled build find the same files. */
const ASSETS_DIR = join(projectRoot, 'src', 'dashboard', 'status-page', 'assets');
/** chart.js's UMD build (it defines `window.Chart`), served from the installed package: no third-party host. */
const CHART_JS = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');
/** Replaced in `index.html` by the CSRF token. */
const TOKEN_PLACEHOLDER = '{{csrfToken}}';
/** Replaced in `index.html` by `{ available, pairs }` (JSON, HTML-escaped): what the trade form offers. */
const TRADES_PLACEHOLDER = '{{trades}}';

/** The page's data, polled by the page. */
export const STATUS_PAGE_DATA_PATH = '/page/data';
/** `POST /page/control/<pause|resume|halt|reset>`: the kill switch, for the page only (CSRF token required). */
export const STATUS_PAGE_CONTROL_PATH = '/page/control';
/** `POST /page/trade/<open|close|cancel>`: manual trades, for the page only (CSRF token required). */
export const STATUS_PAGE_TRADE_PATH = '/page/trade';

/** Every file under `/page/assets/`, by the name it is asked for; nothing else is served from disk. */
const ASSETS: Readonly<Record<string, { file: string; type: string }>> = {
  'status-page.js': { file: join(ASSETS_DIR, 'status-page.js'), type: 'text/javascript' },
  'status-page.css': { file: join(ASSETS_DIR, 'status-page.css'), type: 'text/css' },
  'chart.umd.min.js': { file: CHART_JS, type: 'text/javascript' },
};

export interface StatusPageDeps {
  /** `dashboard.user`: the one Basic-auth user, whose CSRF token the page carries. */
  user: string;
  control: ControlPlane;
  /** The status document, from the one reader `triplegain status` and `GET /control/status` use. */
  status: () => Promise<StatusDocument>;
  /** Equity curve, signals, denials, model spend. */
  extras: () => Promise<StatusPageExtras>;
  logger: Logger;
  /** Wall time each part may take before the page is told it is unavailable. Default 5 s (`app.connectTimeoutMs`'s default). */
  timeoutMs?: number;
  /** Default: a fresh per-process secret. */
  csrf?: CsrfTokens;
  /** Manual trades and the pairs the form offers (`symbols.pairs`); absent where the process has no database: the form then says trades are unavailable. */
  trades?: { desk: ManualTrades; pairs: readonly string[] } | undefined;
}

/**
 * The status page, to be mounted at `/` behind the dashboard's Basic auth:
 * - `GET /`: the page (HTML with the CSRF token in a meta tag; its script and styles are files,
 *   no inline script, so a `script-src 'self'` policy holds);
 * - `GET /page/assets/<file>`: its script, styles and chart.js;
 * - `GET /page/data`: `{ generatedAtMs, status, extras }`, each part `{ error }` instead when
 *   it cannot be read, so one failing source does not blank the page;
 * - `POST /page/control/<command>` with header `X-CSRF-Token` and JSON body `{ reason?,
 *   cancelOrders?, flatten? }`: applies the command as `dashboard:<user>`; without the right
 *   token 403, before the body is even read;
 * - `POST /page/trade/<open|close|cancel>`, same header, the control API's trade bodies
 *   (`trade-request.ts`): the trade desk's `TradeOutcome` as `dashboard:<user>` requested it
 *   (`answerTradeRequest`: 200, 202 while pending, `{ error, code }` when refused; 503 without
 *   a trade desk).
 *
 * The page never holds the control API's bearer token: its commands are authenticated by Basic
 * auth, the Host/Origin check in front of every route, and the CSRF token.
 */
export function statusPageRouter(deps: StatusPageDeps): Router {
  const csrf = deps.csrf ?? csrfTokens();
  const trades = { available: deps.trades !== undefined, pairs: deps.trades?.pairs ?? [] };
  const html = readFileSync(join(ASSETS_DIR, 'index.html'), 'utf8')
    .replace(TOKEN_PLACEHOLDER, csrf.tokenFor(deps.user))
    .replace(TRADES_PLACEHOLDER, escapeAttribute(JSON.stringify(trades)));
  const router = express.Router();

  router.get('/', (_req, res) => {
    res.set('Cache-Control', 'no-store').type('text/html').send(html);
  });

  router.get('/page/assets/:name', (req: Request<{ name: string }>, res) => {
    const asset = Object.hasOwn(ASSETS, req.params.name) ? ASSETS[req.params.name] : undefined;
    if (!asset) {
      res.status(404).json({ error: `no asset "${req.params.name}"` });
      return;
    }
    res.type(asset.type).sendFile(asset.file);
  });

  const settle = settler(deps.logger, deps.timeoutMs ?? 5_000);
  router.get(STATUS_PAGE_DATA_PATH, async (_req, res) => {
    const [status, extras] = await Promise.all([settle('status', deps.status), settle('extras', deps.extras)]);
    res.set('Cache-Control', 'no-store').json({ generatedAtMs: Date.now(), status, extras });
  });

  // The token first: a request without it learns nothing, and its body is never parsed.
  const changes = [`${STATUS_PAGE_CONTROL_PATH}/:command`, `${STATUS_PAGE_TRADE_PATH}/:action`];
  router.post(changes, (req, res, next) => {
    if (csrf.verify(deps.user, req.get(CSRF_HEADER))) {
      next();
      return;
    }
    deps.logger.warn(
      { path: req.path, origin: req.get('origin') },
      'status page refused a command without a valid CSRF token',
    );
    res.status(403).json({ error: `missing or wrong ${CSRF_HEADER} header: reload the page` });
  });
  router.post(changes, jsonBodyOnly, express.json({ limit: '8kb' }));
  router.post(`${STATUS_PAGE_TRADE_PATH}/:action`, async (req: Request<{ action: string }>, res: Response) => {
    await answerTradeRequest(
      res,
      { trades: deps.trades?.desk, logger: deps.logger },
      req.params.action,
      req.body,
      `dashboard:${deps.user}`,
    );
  });
  router.post(`${STATUS_PAGE_CONTROL_PATH}/:command`, (req: Request<{ command: string }>, res: Response) =>
    answerControlCommand(res, deps, req.params.command, req.body, `dashboard:${deps.user}`),
  );
  // A body it cannot read gets a JSON answer saying why, not express's HTML page with a stack trace.
  router.use((err: unknown, _req: Request, res: Response, _next: (err?: unknown) => void) => {
    const reply = httpErrorReply(err);
    if (reply.status >= 500) deps.logger.error({ err: describeError(err) }, 'status page request failed');
    res.status(reply.status).json({ error: reply.error });
  });
  return router;
}

/** `s` safe inside a double-quoted HTML attribute. */
function escapeAttribute(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Runs a part's read: its value, or `{ error }` (secrets redacted) when it failed or took longer
 * than `timeoutMs` (a silent database must not hold the page's refresh). A failure is logged
 * when it differs from the part's previous outcome, so a page polling through an outage logs it
 * once, not every few seconds.
 */
function settler(
  logger: Logger,
  timeoutMs: number,
): <T>(part: string, read: () => Promise<T>) => Promise<T | { error: string }> {
  const lastError = new Map<string, string>();
  return async (part, read) => {
    let timer: NodeJS.Timeout | undefined;
    const overrun = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const value = await Promise.race([read(), overrun]);
      if (lastError.delete(part)) logger.info({ part }, 'status page reads a part of its data again');
      return value;
    } catch (err) {
      const error = redactSecrets(describeError(err));
      if (lastError.get(part) !== error)
        logger.warn({ part, err: error }, 'status page could not read a part of its data');
      lastError.set(part, error);
      return { error };
    } finally {
      clearTimeout(timer);
    }
  };
}
