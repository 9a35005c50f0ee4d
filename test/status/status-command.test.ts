import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { DashboardConfig } from '../../src/config/sections/dashboard-config.ts';
import { ControlPlane } from '../../src/control/control-plane.ts';
import { createControlRouter } from '../../src/control/control-router.ts';
import { startDashboard } from '../../src/dashboard/start-dashboard.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { createStatusReader } from '../../src/status/status-reader.ts';
import { StatusDocument } from '../../src/status/status-document.ts';
import { runCli } from '../support/run-cli.ts';
import type { TestBus } from '../support/test-bus.ts';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/test-database.ts';
import { bullConnection, openQueue } from '../support/test-queues.ts';
import { writeStatusScenario } from './status-scenario.ts';
import { scaled } from '../support/test-timing.ts';

const TOKEN = 'status-token-for-tests';

/** `url` with the search path set to `schema`, as an operator would point DATABASE_URL at a schema. */
function urlWithSchema(url: string, schema: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

/** A TCP port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A server that accepts connections and never says a word: a hung or firewalled peer. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A PostgreSQL stand-in that lets a client connect (authentication ok, ready for query) and
 * then never answers a query: a server stuck behind a lock or a dead disk.
 */
async function stuckPostgres(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    // The startup message is the first thing a client sends; answer it, then nothing more.
    socket.once('data', () => {
      const authOk = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0]);
      const ready = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]);
      socket.write(Buffer.concat([authOk, ready]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('triplegain status', () => {
  let t: TestBus;
  let tdb: TestDatabase;
  let connection: Redis;
  let ta: Queue;
  let env: Record<string, string>;
  const closers: (() => Promise<void>)[] = [];

  it.beforeEach(async ({ bus }) => {
    t = bus;
    tdb = await createTestDatabase('postgres');
    connection = bullConnection(t.url);
    ta = openQueue('ta', t.url, t.keys);
    env = {
      REDIS_URL: t.url,
      TRIPLEGAIN__REDIS__KEY_PREFIX: t.prefix,
      DATABASE_URL: urlWithSchema(testDatabaseUrl, tdb.schemaName),
      TRIPLEGAIN__APP__CONNECT_TIMEOUT_MS: '2000',
      TRIPLEGAIN_CONFIG: '',
    };
    await writeStatusScenario(tdb.db, t.redis, t.keys, Date.now());
    // A job waiting in `ta`, entries paused, and two entries the `g1` group has not read.
    await ta.add('run', { n: 1 });
    await new ControlPlane({ redis: t.redis, keys: t.keys, connection, bus: t.bus, logger: silentLogger }).apply(
      'pause',
      { requestedBy: 'test', reason: 'drill' },
    );
    await t.redis.xgroup('CREATE', t.keys.busStream('execution_events'), 'g1', '$', 'MKSTREAM');
    await t.redis.xadd(t.keys.busStream('execution_events'), '*', 'k', 'v1');
    await t.redis.xadd(t.keys.busStream('execution_events'), '*', 'k', 'v2');
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    await ta.close();
    await (ta.opts.connection as Redis).quit();
    connection.disconnect();
    await tdb.cleanup();
  });

  const cli = (...args: string[]) => runCli(env, args, scaled(20_000));

  it(
    'prints the state, breakers, equity, cash, today, positions with their stops, open orders, queues, bus lag and the last five decisions',
    async () => {
      const { code, stdout, stderr } = await cli('status');
      expect(code, stderr).toBe(0);
      expect(stderr).toBe('');
      expect(stdout).toMatch(/^state +PAUSED \(version 1, by test: drill\)$/m);
      expect(/^paused +(.+)$/m.exec(stdout)?.[1]?.split(', ').sort()).toEqual([
        'decision',
        'portfolio',
        'regime',
        'sentiment',
        'ta',
      ]);
      expect(stdout).toMatch(/^degradation +NORMAL$/m);
      expect(stdout).toMatch(/^risk +REDUCING \(paper, as of .+\)$/m);
      expect(stdout).toMatch(
        /^breakers +daily loss TRIPPED at \d{4}-\d\d-\d\d \d\d:00:00Z \(loss 5\.1 %\), weekly loss armed, drawdown armed$/m,
      );
      expect(stdout).toMatch(/^equity +10400\.00 \(paper, valued .+\)$/m);
      expect(stdout).toMatch(/^cash +5000\.00$/m);
      expect(stdout).toMatch(/^today +\+400\.00 \(equity 10400\.00 against 10000\.00 at .+\)$/m);
      // Columns: id (what `trade close` takes), pair, side, quantity, entry, mark, unrealized, stop, on exchange.
      expect(stdout).toMatch(/^#\d+ +BTC\/USD +long +0\.5 +50000 +51000 +\+500\.00 +48000 +yes \(open\)$/m);
      expect(stdout).toMatch(/^#\d+ +SOL\/USD +short +10 +150 +148 +\+20\.00 +160 +no \(submitting\)$/m);
      expect(stdout).toMatch(/^ETH\/USD +buy +limit +entry +2 +0\.5 +3000 +partially_filled +.+ entry-eth-1$/m);
      expect(stdout).not.toContain('entry-btc-0');
      expect(stdout).toMatch(/^ta +1 +0 +0 +0 +yes$/m);
      expect(stdout).toMatch(/^market-data +0 +0 +0 +0 +no$/m);
      expect(stdout).toMatch(/^execution_events +g1 +0 +0 +2 +0$/m);
      const decisions = stdout.slice(stdout.indexOf('last decisions'));
      expect(decisions.match(/ sig-\d$/gm)).toEqual([' sig-6', ' sig-5', ' sig-4', ' sig-3', ' sig-2']);
      expect(decisions).toMatch(/ BTC\/USD +BUY +proposed +approved +sig-6$/m);
      // For people: no JSON anywhere.
      expect(stdout).not.toMatch(/[{}]/);
    },
    scaled(60_000),
  );

  it(
    'loads neither the exchange, the model SDKs, the web server, drizzle nor BullMQ beyond its key builder',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'tgtest-status-modules-'));
      closers.push(() => rm(dir, { recursive: true, force: true }));
      const log = join(dir, 'resolved.log');
      const { code, stderr } = await runCli(
        {
          ...env,
          TRIPLEGAIN_TEST_RESOLVED_LOG: log,
          NODE_OPTIONS: '--import ./test/fixtures/record-resolved-modules.mjs',
        },
        ['status'],
        scaled(30_000),
      );
      expect(code, stderr).toBe(0);
      const urls = (await readFile(log, 'utf8')).split('\n').filter((u) => u !== '');
      const packageOf = (url: string) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
      const packages = new Set(urls.flatMap((u) => packageOf(u) ?? []));
      // The recorder saw the reads: the list below is not empty by accident.
      expect(packages).toContain('pg');
      expect(packages).toContain('ioredis');
      expect(
        [
          'ccxt',
          'openai',
          '@anthropic-ai/sdk',
          'express',
          '@bull-board/api',
          '@bull-board/express',
          'drizzle-orm',
          '@electric-sql/pglite',
        ].filter((p) => packages.has(p)),
      ).toEqual([]);
      expect(
        urls.filter((u) => packageOf(u) === 'bullmq').map((u) => u.replace(/.*\/node_modules\/bullmq\//, '')),
      ).toEqual(['dist/esm/classes/queue-keys.js']);
    },
    scaled(60_000),
  );

  it(
    '--json gives the same as one document that passes the schema',
    async () => {
      const { code, stdout, stderr } = await cli('status', '--json');
      expect(code, stderr).toBe(0);
      const doc = StatusDocument.parse(JSON.parse(stdout));
      expect(doc.complete).toBe(true);
      if (!doc.redis.available || !doc.database.available) throw new Error('a part is missing');
      expect(doc.redis.control).toMatchObject({
        state: 'PAUSED',
        version: 1,
        requestedBy: 'test',
        reason: 'drill',
        cancelOrders: false,
        flatten: false,
        submissionsInFlight: [],
        protectionPending: [],
      });
      expect(doc.redis.risk).toMatchObject({
        account: 'paper',
        tradingState: 'REDUCING',
        breakers: {
          dailyLoss: { tripped: true, lossPct: '5.1' },
          weeklyLoss: { tripped: false },
          drawdown: { tripped: false },
        },
      });
      expect(doc.redis.queues.find((q) => q.name === 'ta')).toEqual({
        name: 'ta',
        waiting: 1,
        active: 0,
        delayed: 0,
        failed: 0,
        paused: true,
      });
      expect(doc.redis.bus).toContainEqual({
        topic: 'execution_events',
        length: 2,
        deadLetters: 0,
        groups: [{ group: 'g1', consumers: 0, pending: 0, lag: 2, lagExact: true }],
      });
      expect(doc.database.portfolio).toMatchObject({ equityUsd: '10400', cashUsd: '5000' });
      expect(doc.database.today).toMatchObject({ baseEquityUsd: '10000', equityUsd: '10400', pnlUsd: '400' });
      expect(doc.database.positions).toEqual([
        expect.objectContaining({
          symbol: 'BTC/USD',
          side: 'long',
          quantity: '0.5',
          avgEntryPrice: '50000',
          markPrice: '51000',
          unrealizedPnlUsd: '500',
          stop: {
            stopLoss: '48000',
            trailingStop: null,
            takeProfit: '56000',
            onExchange: true,
            order: { clientOrderId: 'stop-btc-1', status: 'open', triggerPrice: '48000', quantity: '0.5' },
          },
        }),
        expect.objectContaining({
          symbol: 'SOL/USD',
          side: 'short',
          markPrice: '148',
          unrealizedPnlUsd: '20',
          stop: expect.objectContaining({
            stopLoss: '160',
            onExchange: false,
            order: expect.objectContaining({ status: 'submitting' }),
          }),
        }),
      ]);
      expect(doc.database.openOrders.map((o) => o.clientOrderId)).toEqual(['stop-btc-1', 'stop-sol-1', 'entry-eth-1']);
      expect(doc.database.decisions.map((d) => [d.signalId, d.risk])).toEqual([
        ['sig-6', 'approved'],
        ['sig-5', null],
        ['sig-4', null],
        ['sig-3', null],
        ['sig-2', null],
      ]);
    },
    scaled(60_000),
  );

  it(
    'with PostgreSQL unreachable still prints what Redis knows, says the database part is missing, and exits 1',
    async () => {
      const port = await closedPort();
      env.DATABASE_URL = `postgres://nobody:s3cret@127.0.0.1:${port}/none`;
      const text = await cli('status');
      expect(text.code).toBe(1);
      expect(text.stdout).toMatch(/^state +PAUSED/m);
      expect(text.stdout).toMatch(/^breakers +daily loss TRIPPED/m);
      expect(text.stdout).toMatch(/^ta +1 +0 +0 +0 +yes$/m);
      expect(text.stdout).toMatch(
        new RegExp(
          `^database +UNAVAILABLE: cannot open PostgreSQL at postgres://nobody:\\*\\*\\*@127\\.0\\.0\\.1:${port}/none`,
          'm',
        ),
      );
      expect(text.stderr.split('\n').filter((l) => l.startsWith('error:'))).toEqual([
        expect.stringMatching(/^error: cannot open PostgreSQL at /),
      ]);
      expect(text.stdout + text.stderr).not.toContain('s3cret');

      const json = await cli('status', '--json');
      expect(json.code).toBe(1);
      const doc = StatusDocument.parse(JSON.parse(json.stdout));
      expect(doc.complete).toBe(false);
      expect(doc.database).toEqual({ available: false, error: expect.stringContaining('cannot open PostgreSQL') });
      expect(doc.redis).toMatchObject({ available: true, control: { state: 'PAUSED' } });
    },
    scaled(60_000),
  );

  it(
    'with a PostgreSQL that accepts and never answers, gives up after app.connectTimeoutMs',
    async () => {
      const silent = await silentServer();
      closers.push(() => silent.close());
      env.DATABASE_URL = `postgres://nobody@127.0.0.1:${silent.port}/none`;
      const started = Date.now();
      const { code, stdout } = await cli('status', '--json');
      expect(code).toBe(1);
      const doc = StatusDocument.parse(JSON.parse(stdout));
      expect(doc.database).toEqual({ available: false, error: expect.stringContaining('within 2000 ms') });
      expect(doc.redis.available).toBe(true);
      // The connect timeout plus a process start on a loaded machine, not pg's own minutes (runCli kills a hung CLI at 20 s).
      expect(Date.now() - started).toBeLessThan(18_000);
    },
    scaled(60_000),
  );

  it(
    'with a PostgreSQL that connects and then never answers a query, gives up and exits',
    async () => {
      const stuck = await stuckPostgres();
      closers.push(() => stuck.close());
      env.DATABASE_URL = `postgres://nobody@127.0.0.1:${stuck.port}/none`;
      const started = Date.now();
      const { code, stdout } = await cli('status', '--json');
      expect(code).toBe(1);
      expect(StatusDocument.parse(JSON.parse(stdout)).database).toEqual({
        available: false,
        error: expect.stringContaining('within 2000 ms'),
      });
      // Not held open by a query that never ends.
      expect(Date.now() - started).toBeLessThan(18_000);
    },
    scaled(60_000),
  );

  it(
    'with Redis unreachable still prints what the database knows and exits 1',
    async () => {
      const port = await closedPort();
      env.REDIS_URL = `redis://127.0.0.1:${port}`;
      const { code, stdout, stderr } = await cli('status');
      expect(code).toBe(1);
      expect(stdout).toMatch(
        new RegExp(`^redis +UNAVAILABLE: cannot reach Redis at redis://127\\.0\\.0\\.1:${port} within 2000 ms`, 'm'),
      );
      expect(stdout).toMatch(/^#\d+ +BTC\/USD +long +0\.5 +50000 +51000 +\+500\.00 +48000 +yes \(open\)$/m);
      expect(stdout).toMatch(/^equity +10400\.00/m);
      expect(stderr.split('\n').filter((l) => l.startsWith('error:'))).toEqual([
        expect.stringMatching(/^error: cannot reach Redis at /),
      ]);
    },
    scaled(60_000),
  );

  it(
    'GET /control/status answers the same document as `status --json`',
    async () => {
      const { config } = loadConfig({ env: {} });
      const reader = createStatusReader({ config, redis: t.redis, keys: t.keys, database: tdb.database });
      const control = new ControlPlane({ redis: t.redis, keys: t.keys, connection, bus: t.bus, logger: silentLogger });
      const router = createControlRouter({ control, token: TOKEN, status: () => reader.read(), logger: silentLogger });
      const dashboard = await startDashboard({
        config: { ...DashboardConfig.parse({}), port: 0 },
        connection,
        keys: t.keys,
        logger: silentLogger,
        routes: [{ path: '/control', router }],
      });
      closers.push(
        () => dashboard.close(),
        () => reader.close(),
      );

      const res = await fetch(`${dashboard.url}/control/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      const api = StatusDocument.parse(await res.json());
      const cliRun = await cli('status', '--json');
      expect(cliRun.code, cliRun.stderr).toBe(0);
      const fromCli = StatusDocument.parse(JSON.parse(cliRun.stdout));
      expect({ ...api, generatedAtMs: 0 }).toEqual({ ...fromCli, generatedAtMs: 0 });
      expect(api.complete).toBe(true);
    },
    scaled(60_000),
  );
});
