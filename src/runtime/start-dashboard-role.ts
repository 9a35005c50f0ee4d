import { Redis } from 'ioredis';
import type { AppConfig } from '../config/app-config.ts';
import { ControlPlane } from '../control/control-plane.ts';
import { createControlRouter } from '../control/control-router.ts';
import { checkTokensForHost } from '../dashboard/check-tokens-for-host.ts';
import { failedLoginLog } from '../dashboard/failed-login-log.ts';
import { dashboardHost, startDashboard } from '../dashboard/start-dashboard.ts';
import { createStatusPageExtrasReader } from '../dashboard/status-page/status-page-extras-reader.ts';
import { statusPageRouter } from '../dashboard/status-page/status-page-router.ts';
import { createMetricsRouter } from '../metrics/create-metrics-router.ts';
import { createStatusReader } from '../status/status-reader.ts';
import { openTradeDesk } from '../trades/open-trade-desk.ts';
import { openDashboardDatabase } from './open-dashboard-database.ts';
import type { Runtime } from './open-runtime.ts';

/**
 * How much longer than the readers' own bound (`app.connectTimeoutMs` a source) the page waits
 * for a part: the status reader answers with Redis's part when the database is silent, at that
 * bound; a page cut off at the same moment showed nothing, not even the kill-switch state.
 */
const PAGE_MARGIN_MS = 2_000;

/**
 * Refuses tokens the dashboard must not listen with (see `checkTokensForHost`); `start` runs it
 * on the config before it opens Redis or the database.
 */
export function checkDashboardTokens(config: AppConfig): void {
  checkTokensForHost({
    host: dashboardHost(config.dashboard),
    controlToken: config.control.token,
    metricsToken: config.metrics.token,
  });
}

/**
 * The dashboard role: Bull Board at `/ui`, the status page at `/`, the control API (kill switch,
 * status document, manual trades) at `/control` and `/metrics`, on a BullMQ connection of its own. Returns its
 * stop. A dashboard that refuses to start (a short password off loopback, a port in use) closes
 * what it opened before it throws, so the process can exit.
 */
export async function startDashboardRole(rt: Runtime): Promise<{ stop(): Promise<void> }> {
  const { config, logger } = rt;
  // Before anything is opened: a refused token must cost nothing.
  checkDashboardTokens(config);
  const stops: (() => Promise<void> | void)[] = [];
  // Last opened, first closed.
  const stop = async () => {
    for (const close of stops.splice(0).reverse()) await close();
  };
  try {
    const connection = new Redis(rt.redisUrl, { maxRetriesPerRequest: null, connectionName: 'triplegain-dashboard' });
    stops.push(() => connection.disconnect());
    const control = new ControlPlane({ redis: rt.redis, keys: rt.keys, connection, bus: rt.bus, logger });
    const database = openDashboardDatabase(rt);
    stops.push(() => database.close());
    const trades = openTradeDesk(rt, connection, database.db);
    stops.push(() => trades.close());
    const statusReader = createStatusReader({ config, redis: rt.redis, keys: rt.keys, database: rt.database });
    stops.push(() => statusReader.close());
    const extrasReader = createStatusPageExtrasReader({ config, database: rt.database });
    stops.push(() => extrasReader.close());
    // Refused bearer tokens (control API, /metrics), logged like failed logins: by address, a line a minute.
    const refusedTokens = failedLoginLog({ logger });
    stops.push(() => refusedTokens.close());
    const metrics = createMetricsRouter({
      config,
      redis: rt.redis,
      connection,
      keys: rt.keys,
      control,
      db: database.db,
      logger,
      onAuthFailure: refusedTokens.record,
    });
    stops.push(() => metrics.close());
    const router = createControlRouter({
      control,
      token: config.control.token,
      status: () => statusReader.read(),
      logger,
      trades: trades.desk,
      onAuthFailure: refusedTokens.record,
    });
    const page = statusPageRouter({
      user: config.dashboard.user,
      control,
      status: () => statusReader.read(),
      extras: () => extrasReader.read(),
      timeoutMs: config.app.connectTimeoutMs + PAGE_MARGIN_MS,
      logger,
      trades: trades.desk && { desk: trades.desk, pairs: config.symbols.pairs },
    });
    const dashboard = await startDashboard({
      config: config.dashboard,
      connection,
      keys: rt.keys,
      logger,
      routes: [{ path: '/control', router }],
      pages: [{ path: '/', router: page }],
      metrics: metrics.router,
    });
    stops.push(() => dashboard.close());
    return { stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
