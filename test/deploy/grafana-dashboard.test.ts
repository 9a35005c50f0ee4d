import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { AppConfig } from '../../src/config/app-config.ts';
import { DashboardConfig } from '../../src/config/sections/dashboard-config.ts';
import { ControlPlane } from '../../src/control/control-plane.ts';
import { startDashboard, type Dashboard } from '../../src/dashboard/start-dashboard.ts';
import { createMetricsRouter, type MetricsRouter } from '../../src/metrics/create-metrics-router.ts';
import { projectRoot } from '../../src/shared/project-root.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { scrapeMetrics } from '../support/scrape-metrics.ts';
import type { TestBus } from '../support/test-bus.ts';
import { bullConnection } from '../support/test-queues.ts';

interface Panel {
  type: string;
  datasource?: { type: string; uid: string };
  targets?: { expr: string; datasource?: { uid: string } }[];
}

const dashboardJson = JSON.parse(readFileSync(join(projectRoot, 'deploy', 'grafana-dashboard.json'), 'utf8')) as {
  templating: { list: { name: string; type: string; query: string }[] };
  panels: Panel[];
};
const queryPanels = dashboardJson.panels.filter((p) => p.type !== 'row');
const exprs = queryPanels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
/** Every metric name a query uses (PromQL functions and labels do not start with `triplegain_`). */
const usedNames = [...new Set(exprs.flatMap((e) => e.match(/\btriplegain_[a-z0-9_]+/g) ?? []))];

describe('the sample Grafana dashboard (deploy/grafana-dashboard.json)', () => {
  it('queries a Prometheus data source chosen through a variable', () => {
    expect(dashboardJson.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
    );
    expect(queryPanels.length).toBeGreaterThan(0);
    for (const panel of queryPanels) {
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.targets?.length).toBeGreaterThan(0);
    }
  });

  describe('against /metrics', () => {
    let t: TestBus;
    let connection: Redis;
    let metrics: MetricsRouter;
    let dashboard: Dashboard;
    it.beforeEach(async ({ bus }) => {
      t = bus;
      connection = bullConnection(t.url);
      const control = new ControlPlane({ redis: t.redis, keys: t.keys, connection, bus: t.bus, logger: silentLogger });
      metrics = createMetricsRouter({
        config: AppConfig.parse({ metrics: { token: 'grafana' } }),
        redis: t.redis,
        connection,
        keys: t.keys,
        control,
        logger: silentLogger,
      });
      dashboard = await startDashboard({
        config: { ...DashboardConfig.parse({}), port: 0 },
        connection,
        keys: t.keys,
        logger: silentLogger,
        metrics: metrics.router,
      });
    });
    afterEach(async () => {
      await dashboard.close();
      await metrics.close();
      connection.disconnect();
    });

    it('uses only metric names /metrics exports', async () => {
      // Every family is declared (HELP and TYPE) even while its source has nothing or is down.
      const m = await scrapeMetrics(dashboard.url, 'grafana');
      const histogramLine = /^(.+)_(bucket|sum|count)$/;
      const exported = (name: string) => {
        if (m.families.has(name)) return true;
        const base = histogramLine.exec(name)?.[1];
        return base !== undefined && m.families.get(base)?.type === 'HISTOGRAM';
      };
      expect(usedNames.length).toBeGreaterThan(10);
      expect(usedNames.filter((name) => !exported(name))).toEqual([]);
    });
  });
});
