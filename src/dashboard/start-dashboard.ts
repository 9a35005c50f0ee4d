import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { Queue, type ConnectionOptions } from 'bullmq';
import express, { type Router } from 'express';
import type { DashboardConfig } from '../config/sections/dashboard-config.ts';
import { managedQueues } from '../control/managed-queues.ts';
import type { Keys } from '../keys.ts';
import { closeQueues } from '../queues/close-queues.ts';
import { queueNames as allQueueNames, type QueueName } from '../queues/queue-names.ts';
import type { Logger } from '../shared/logger.ts';
import { redactSecrets } from '../shared/redact-secrets.ts';
import { describeError } from '../shared/triplegain-error.ts';
import { answerErrorsAsJson } from './answer-errors-as-json.ts';
import { basicAuth } from './basic-auth.ts';
import { checkPasswordForHost } from './check-password-for-host.ts';
import { hostAllowlist, type HostAllowlist } from './host-allowlist.ts';
import { refuseForeignRequests } from './refuse-foreign-requests.ts';
import { refuseManagedQueueChanges } from './refuse-managed-queue-changes.ts';
import { securityHeaders } from './security-headers.ts';
import { SelfHostedBoardAdapter } from './self-hosted-board-adapter.ts';
import { slowFailedLogins } from './slow-failed-logins.ts';

/** Where Bull Board is mounted. */
export const BULL_BOARD_PATH = '/ui';
/** Where the Prometheus metrics are served (`metrics`). */
export const METRICS_PATH = '/metrics';
/** The health check: the one route that needs no credentials. */
export const HEALTH_PATH = '/healthz';

/** What `/ui` answers (503) when there is no password to put Bull Board behind. */
export const BOARD_OFF_TEXT = 'Bull Board is off: set DASHBOARD_PASSWORD (dashboard.password) to turn it on';

/** What the pages (the status page at `/`) answer (503) when there is no password to put them behind. */
export const PAGES_OFF_TEXT = 'The status page is off: set DASHBOARD_PASSWORD (dashboard.password) to turn it on';

/** The only interface a dashboard without a password may listen on. */
const LOOPBACK = '127.0.0.1';
/** A health check slower than this reports Redis as down rather than hanging the probe. */
const HEALTH_TIMEOUT_MS = 1_000;
/** The same queue error is logged at most once per this interval, so an outage is not a flood. */
const QUEUE_ERROR_LOG_INTERVAL_MS = 60_000;

export interface StartDashboardOptions {
  config: DashboardConfig;
  /**
   * BullMQ connection for the board's queues. Options: every queue opens (and closes) its own
   * connection. An ioredis instance: the queues share it and the caller closes it.
   */
  connection: ConnectionOptions;
  keys: Keys;
  logger: Logger;
  /**
   * The queues the board lists. Default every queue (`queueNames`); must not be empty. Those
   * among `managedQueues` are read-only on the board.
   */
  queueNames?: readonly QueueName[];
  /**
   * More routes that authenticate by themselves (e.g. the control API at `/control`), served
   * with or without a password; the Host and Origin check applies to them too.
   */
  routes?: readonly { path: string; router: Router }[];
  /**
   * Routes behind the Basic auth, after Bull Board (e.g. the status page at `/`). Without a
   * password they are off like the board: their paths answer 503.
   */
  pages?: readonly { path: string; router: Router }[];
  /** `GET /metrics` (`createMetricsRouter`), which checks its own bearer token; like `routes`, served with or without a password. */
  metrics?: Router;
}

export interface Dashboard {
  /** Base URL reachable from this machine (a wildcard host is given as loopback); Bull Board, with a password, is at `${url}/ui`. */
  url: string;
  /** The port actually bound: the OS's pick when `config.port` is 0. */
  port: number;
  /** The address actually bound, e.g. `127.0.0.1` or `0.0.0.0`. */
  host: string;
  /** Stops accepting connections, waits for open requests, then closes the queues. Idempotent. */
  close(): Promise<void>;
}

/**
 * The dashboard role's HTTP server: Bull Board at `/ui` listing every queue, `GET /healthz`
 * (`{ status: 'ok' }`, or 503 when Redis does not answer within 1 s), and `routes`.
 *
 * With `config.password` set, every route but `/healthz` and `routes` requires Basic auth as
 * `config.user` and the server listens on `config.host`. Without one Bull Board is not mounted
 * (`/ui` answers 503 `{ error: BOARD_OFF_TEXT }`), the server listens on 127.0.0.1 whatever `config.host`
 * says, and a warning says so; `/healthz` and `routes` are served as usual.
 *
 * Bull Board changes nothing on a queue the control plane manages (`managedQueues`): those
 * are read-only on the board (405), and its routes that pause, resume, empty, clean or
 * obliterate a managed queue, or touch its schedulers, answer 403 saying the kill switch owns
 * them (`refuseManagedQueueChanges`). A request that could change something (any method but
 * GET, HEAD, OPTIONS), `routes` included, must name this server in `Host` and `Origin`
 * (`refuseForeignRequests`; see `config.allowedHosts`), else 403.
 *
 * Every response carries helmet's security headers and a Content-Security-Policy that allows
 * this server only and no framing (`securityHeaders`); Bull Board's page loads nothing from
 * another host (`SelfHostedBoardAdapter`). A failed login is logged with its source address
 * and, past five per address, slowed (`slowFailedLogins`). Every error, a route that does not
 * exist included, is answered as JSON `{ error }` without a stack (`answerErrorsAsJson`).
 *
 * @throws ConfigError when `config.host` is not loopback and the password is shorter than 16
 *   characters (`checkPasswordForHost`); when `queueNames` is empty, or when the server cannot
 *   listen (e.g. `EADDRINUSE`), the queues opened so far being closed first.
 */
export async function startDashboard(options: StartDashboardOptions): Promise<Dashboard> {
  const { config, logger } = options;
  const authenticated = config.password.length > 0;
  // Before anything is opened: a short password must not reach the network even for a moment.
  checkPasswordForHost(config);
  const names = options.queueNames ?? allQueueNames;
  // Without the board only the health probe needs a queue.
  const queues = (authenticated ? names : names.slice(0, 1)).map(
    (name) => new Queue(name, { connection: options.connection, prefix: options.keys.queuePrefix }),
  );
  // Health is one round trip on the first queue's connection: they all reach the same Redis.
  const [probe] = queues;
  if (!probe) throw new Error('startDashboard needs at least one queue');
  const logQueueError = queueErrorLogger(logger);
  // A Queue re-emits its connection's errors; with no listener Node would throw them.
  for (const queue of queues) queue.on('error', (err) => logQueueError(queue.name, err));

  const host = dashboardHost(config);
  if (!authenticated) {
    logger.warn(
      { configuredHost: config.host },
      'dashboard has no password (DASHBOARD_PASSWORD unset): Bull Board is off, listening on 127.0.0.1 only',
    );
  }

  // Known once the server is bound (the port may be the OS's pick); no request arrives before.
  let allowlist: HostAllowlist = hostAllowlist({ boundAddress: host, port: config.port, extra: config.allowedHosts });

  const app = express();
  app.disable('x-powered-by');
  // First of all, so that every answer carries them, refusals included.
  app.use(securityHeaders({ boardPath: BULL_BOARD_PATH }));
  // First, so it covers `routes` too: a rebinding or cross-site page must not reach /control either.
  app.use(refuseForeignRequests({ allowlist: () => allowlist, logger }));
  // Registered before the auth middleware: load balancers and orchestrators probe without credentials.
  app.get(HEALTH_PATH, async (_req, res) => {
    if (await redisAnswers(probe)) {
      res.json({ status: 'ok' });
    } else {
      res.status(503).json({ status: 'unavailable', redis: 'unreachable' });
    }
  });
  // Routes with their own authentication (the control API's bearer token) come before Basic auth.
  for (const route of options.routes ?? []) app.use(route.path, route.router);
  const failedLogins = slowFailedLogins({ logger });
  if (options.metrics) app.use(METRICS_PATH, options.metrics);
  if (authenticated) {
    app.use(basicAuth({ user: config.user, password: config.password, onFailedLogin: failedLogins.handler }));
    // After auth, so a caller without credentials learns nothing about which routes exist.
    app.use(BULL_BOARD_PATH, refuseManagedQueueChanges({ managed: managedQueues, logger }));
    app.use(BULL_BOARD_PATH, bullBoardRouter(queues));
    for (const page of options.pages ?? []) app.use(page.path, page.router);
  } else {
    app.use(BULL_BOARD_PATH, (_req, res) => {
      res.status(503).json({ error: BOARD_OFF_TEXT });
    });
    for (const page of options.pages ?? []) {
      app.use(page.path, (_req, res) => {
        res.status(503).type('text/plain').send(PAGES_OFF_TEXT);
      });
    }
  }
  answerErrorsAsJson(app, logger);

  const server = createServer(app);
  try {
    await listen(server, config.port, host);
  } catch (err) {
    failedLogins.close();
    await Promise.allSettled(queues.map((queue) => queue.close()));
    throw err;
  }

  const address = boundAddress(server);
  allowlist = hostAllowlist({ boundAddress: address.address, port: address.port, extra: config.allowedHosts });
  const url = `http://${urlHost(address.address)}:${address.port}`;
  logger.info(
    {
      url,
      host: address.address,
      port: address.port,
      auth: authenticated,
      board: authenticated,
      queues: queues.length,
      allowedHosts: allowlist.hosts,
    },
    'dashboard listening',
  );

  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    host: address.address,
    close() {
      closing ??= (async () => {
        const closed = closeServer(server);
        failedLogins.close();
        await closed;
        await closeQueues(queues);
        logger.info({ url }, 'dashboard closed');
      })();
      return closing;
    },
  };
}

/**
 * Bull Board over `queues`. A queue the control plane manages is read-only there: the board
 * answers 405 to every action on it and shows no buttons for them.
 *
 * That includes retrying one failed job, which stays open on the other queues. Retrying an
 * execution job would not duplicate an order (`placeOrderOnce` creates and claims it by client
 * order id, so a sent one comes back `already`, and the trading-state fence is checked again),
 * but it would send, maybe hours late, an order that failed before it was sent, on a decision
 * nobody re-made; a retried decision or risk job decides afresh on stale input. Both belong to
 * an operator at the CLI, not to a button.
 */
function bullBoardRouter(queues: readonly Queue[]): Router {
  const managed = new Set<string>(managedQueues);
  const boardAdapter = new SelfHostedBoardAdapter();
  boardAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) =>
      managed.has(queue.name)
        ? new BullMQAdapter(queue, {
            readOnlyMode: true,
            description: 'managed by the control plane: read-only here; use `triplegain pause|halt|resume`',
          })
        : new BullMQAdapter(queue),
    ),
    serverAdapter: boardAdapter,
    options: { uiConfig: { boardTitle: 'triplegain' } },
  });
  return boardAdapter.getRouter();
}

/**
 * True when the queues' Redis answers within `HEALTH_TIMEOUT_MS`; never throws. The probe is
 * INFO, not PING: BullMQ's client interface (which also fronts non-ioredis clients) has no
 * `ping`, and INFO is as good a round trip.
 */
async function redisAnswers(queue: Queue): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), HEALTH_TIMEOUT_MS);
  });
  try {
    // `queue.client` waits for the connection, which may never come: it races the timer too.
    const reply = await Promise.race([queue.client.then((client) => client.info()), timeout]);
    return reply !== 'timeout';
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function queueErrorLogger(logger: Logger): (queue: string, err: unknown) => void {
  const lastLoggedMs = new Map<string, number>();
  return (queue, err) => {
    const message = redactSecrets(describeError(err));
    const now = Date.now();
    if (now - (lastLoggedMs.get(message) ?? -Infinity) < QUEUE_ERROR_LOG_INTERVAL_MS) return;
    lastLoggedMs.set(message, now);
    logger.warn({ queue, err: message }, 'dashboard queue connection error');
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    // Keep-alive connections with no request in flight would otherwise hold `close` open.
    server.closeIdleConnections();
  });
}

function boundAddress(server: Server): AddressInfo {
  const address = server.address();
  // Only a server listening on a pipe or not listening at all answers otherwise.
  if (address === null || typeof address === 'string') throw new Error('dashboard is not listening on a TCP port');
  return address;
}

/** `0.0.0.0` → `127.0.0.1`, `::` → `[::1]`, other IPv6 addresses in brackets. */
function urlHost(address: string): string {
  if (address === '0.0.0.0') return LOOPBACK;
  if (address === '::') return '[::1]';
  return address.includes(':') ? `[${address}]` : address;
}

/** The interface the dashboard listens on: `config.host` behind a password, else loopback only. */
export function dashboardHost(config: Pick<DashboardConfig, 'host' | 'password'>): string {
  return config.password.length > 0 ? config.host : LOOPBACK;
}
