import { spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.ts';
import { projectRoot } from '../support/spawn-ts.ts';
import { scaled } from '../support/test-timing.ts';

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

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('the CLI with Redis unreachable', () => {
  it.each([['status'], ['halt', '--reason', 'drill'], ['pause']])(
    '%s exits non-zero within app.connectTimeoutMs with one line naming Redis',
    async (...args) => {
      const port = await closedPort();
      const env = {
        REDIS_URL: `redis://:s3cret@127.0.0.1:${port}`,
        TRIPLEGAIN__APP__CONNECT_TIMEOUT_MS: '1000',
        DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      };
      // runCli fails the test when the process is still running after its timeout: a hang.
      const result = await runCli(env, args, scaled(12_000));
      expect(result.code).not.toBe(0);
      const lines = result.stderr.split('\n').filter((l) => l.startsWith('error:'));
      // `status` says what else is missing too: it reads the database beside Redis.
      const others =
        args[0] === 'status'
          ? [expect.stringMatching(/^error: cannot open PostgreSQL at postgres:\/\/nobody@127\.0\.0\.1:1\/none/)]
          : [];
      expect(lines).toEqual([
        `error: cannot reach Redis at redis://:***@127.0.0.1:${port} within 1000 ms: no answer`,
        ...others,
      ]);
      expect(result.stderr).not.toContain('s3cret');
    },
    scaled(30_000),
  );

  it(
    'exits as soon as it has said so, not seconds after its error line',
    async () => {
      const port = await closedPort();
      const child = spawn(process.execPath, ['bin/triplegain.mjs', 'status'], {
        cwd: projectRoot,
        env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${port}`, TRIPLEGAIN__APP__CONNECT_TIMEOUT_MS: '1000' },
      });
      let saidAtMs: number | undefined;
      child.stderr.on('data', (chunk: Buffer) => {
        if (saidAtMs === undefined && chunk.toString().includes('error: cannot reach Redis')) saidAtMs = Date.now();
      });
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(saidAtMs).toBeDefined();
      // ioredis keeps a process alive 2 s after a disconnect while reconnecting unless told otherwise.
      expect(Date.now() - saidAtMs!).toBeLessThan(1_500);
    },
    scaled(30_000),
  );

  it(
    'status exits within app.connectTimeoutMs when Redis accepts the connection and never answers',
    async () => {
      const silent = await silentServer();
      servers.push(silent);
      const result = await runCli(
        {
          REDIS_URL: `redis://127.0.0.1:${silent.port}`,
          TRIPLEGAIN__APP__CONNECT_TIMEOUT_MS: '1000',
          DATABASE_URL: '',
        },
        ['status'],
        scaled(20_000),
      );
      expect(result.code).not.toBe(0);
      // The second line: without DATABASE_URL the database is the embedded PGlite, which status does not open.
      expect(result.stderr.split('\n').filter((l) => l.startsWith('error:'))).toEqual([
        `error: cannot reach Redis at redis://127.0.0.1:${silent.port} within 1000 ms: no answer`,
        expect.stringMatching(/^error: the database is the embedded PGlite/),
      ]);
    },
    scaled(30_000),
  );
});

describe('the CLI with PostgreSQL unreachable', () => {
  it(
    'audit exits non-zero within app.connectTimeoutMs when the server accepts and never answers',
    async () => {
      const silent = await silentServer();
      servers.push(silent);
      const url = `postgres://nobody:s3cret@127.0.0.1:${silent.port}/none`;
      // runCli kills a command still running after 20 s: a hang fails the test.
      const result = await runCli(
        { DATABASE_URL: url, TRIPLEGAIN__APP__CONNECT_TIMEOUT_MS: '1000' },
        ['audit'],
        scaled(20_000),
      );
      expect(result.code).toBe(2);
      const lines = result.stderr.split('\n').filter((l) => l.startsWith('error:'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(
          `^error: cannot open PostgreSQL at postgres://nobody:\\*\\*\\*@127\\.0\\.0\\.1:${silent.port}/none within 1000 ms: .*timeout`,
        ),
      );
      expect(result.stderr).not.toContain('s3cret');
    },
    scaled(30_000),
  );
});
