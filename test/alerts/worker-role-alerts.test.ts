import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorkerRole, type WorkerRole } from '../../src/runtime/start-worker-role.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { listenLocal, type LocalListener } from '../support/listen-local.ts';
import { createTaskHarness, type TaskHarness } from '../support/task-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import { scaled } from '../support/test-timing.ts';

describe('the worker role with alerts configured', () => {
  let h: TaskHarness | undefined;
  let role: WorkerRole | undefined;
  let hook: LocalListener | undefined;
  afterEach(async () => {
    await role?.stop();
    await hook?.close();
    await h?.cleanup();
    role = undefined;
    hook = undefined;
    h = undefined;
  });

  it(
    'sends a halt to the webhook, with the secret header read from config at delivery',
    async () => {
      const received: { headers: Record<string, unknown>; body: Record<string, unknown> }[] = [];
      const server = createServer((req, res) => {
        let raw = '';
        req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
        req.on('end', () => {
          received.push({ headers: req.headers, body: JSON.parse(raw) as Record<string, unknown> });
          res.writeHead(204).end();
        });
      });
      hook = await listenLocal(server);
      h = await createTaskHarness({
        clockMs: Date.UTC(2024, 0, 10, 12),
        config: {
          alerts: {
            webhooks: [{ name: 'ops', url: `${hook.url}/alerts`, headers: { 'X-Alerts-Key': 'k-123456' } }],
            collapseMs: 0,
          },
        },
      });
      const rt = {
        config: h.config,
        logger: silentLogger,
        clock: h.clock,
        redis: h.t.redis,
        redisUrl: h.t.url,
        keys: h.t.keys,
        bus: h.t.bus,
        database: h.database.database,
        close: async () => {},
      };
      role = await startWorkerRole(rt, { queues: [], overrides: { clock: h.clock, candles: h.deps.candles } });

      await role.control.apply('halt', { requestedBy: 'cli:ops', reason: 'test' });

      await waitFor(() => received.find((r) => r.body.kind === 'trading_state_changed'), 'the halt at the webhook');
      const halt = received.find((r) => r.body.kind === 'trading_state_changed')!;
      expect(halt.body).toMatchObject({
        subject: 'HALTED',
        severity: 'critical',
        title: 'trading RUNNING → HALTED',
        count: 1,
      });
      expect(halt.headers['x-alerts-key']).toBe('k-123456');
    },
    scaled(60_000),
  );
});
