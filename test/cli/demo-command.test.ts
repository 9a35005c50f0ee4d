import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startOwnRedisServer } from '../support/own-redis-server.ts';
import { runCli } from '../support/run-cli.ts';
import { projectRoot } from '../support/spawn-ts.ts';
import { testRedisUrl } from '../support/test-redis.ts';
import { scaled } from '../support/test-timing.ts';

describe('triplegain demo', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tgtest-demo-cli-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it(
    "keeps the replay's database with --keep and prints commands that explain and audit it",
    async () => {
      const demo = await runCli(
        { REDIS_URL: testRedisUrl },
        ['demo', '--from', '2021-11-01', '--to', '2021-11-02', '--report-dir', dir, '--keep'],
        scaled(120_000),
      );
      expect(demo.code, demo.stderr).toBe(0);
      const name = 'demo-BTC-USD_XRP-USD-1h-2021-11-01-2021-11-02';
      expect(demo.stdout).toContain(`report        ${join(dir, `${name}.html`)}`);
      expect((await readdir(dir)).sort()).toEqual([`${name}-db`, `${name}.html`, `${name}.json`, `${name}.trades.csv`]);
      const csv = (await readFile(join(dir, `${name}.trades.csv`), 'utf8')).split('\n');
      expect(csv[0]).toBe(
        'symbol,side,openedAt,closedAt,quantity,avgEntryPrice,avgExitPrice,reason,pnlUsd,feesUsd,hours',
      );
      // The equity change is accounted for to the cent.
      expect(demo.stdout).toMatch(
        /equity change -?\d+\.\d\d USD = strategy .* \+ core allocation .* \+ cash flows 0\.00\n/,
      );
      expect(demo.stdout).not.toContain('UNEXPLAINED');
      expect(demo.stdout).toContain(`the replay's database is kept in ${join(dir, `${name}-db`)}; read it with`);
      expect(demo.stdout.trim().split('\n').at(-1)).toBe('audit: 0 violations (10 invariants checked)');

      // The printed commands, run as printed.
      const commands = [...demo.stdout.matchAll(/^ {2}(DATABASE_URL= .*) npx triplegain (.*)$/gm)].map((m) => ({
        env: Object.fromEntries(m[1]!.split(' ').map((kv) => kv.split('=') as [string, string])),
        args: m[2]!.split(' '),
      }));
      expect(commands.map((c) => c.args[0])).toEqual(['explain', 'explain', 'audit']);
      const explain = await runCli(commands[0]!.env, commands[0]!.args, scaled(60_000));
      expect(explain.code, explain.stderr).toBe(0);
      expect(explain.stdout).toContain(commands[0]!.args[1]);
      expect(explain.stdout).toMatch(/fill/i);
      expect(commands[1]!.args[1]).toMatch(/^sig-(BTC|XRP)-USD-1h-\d+$/);
      const signal = await runCli(commands[1]!.env, commands[1]!.args, scaled(60_000));
      expect(signal.code, signal.stderr).toBe(0);
      expect(signal.stdout).toContain(`Explanation of ${commands[1]!.args[1]} (signal id)`);
      expect(signal.stdout).toMatch(/votes:\n\s+model\s+action\s+confidence/);
      const audit = await runCli(commands[2]!.env, commands[2]!.args, scaled(60_000));
      expect(audit.code, audit.stdout).toBe(0);
      expect(audit.stdout.trim().split('\n').at(-1)).toBe('audit: 0 violations (10 invariants checked)');
    },
    scaled(240_000),
  );

  it(
    'stops at Ctrl-C before the next bar: its Redis keys deleted, no report written, exit 130',
    async () => {
      // A Redis of its own: afterwards it must hold nothing at all.
      const server = await startOwnRedisServer({ appendonly: false });
      const redis = new Redis(server.url);
      try {
        const child = spawn(process.execPath, ['bin/triplegain.mjs', 'demo', '--days', '30', '--report-dir', dir], {
          cwd: projectRoot,
          env: { ...process.env, REDIS_URL: server.url },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
        // The progress bar is on its way: the replay has started its bars.
        await new Promise<void>((resolve, reject) => {
          child.stderr.on('data', (chunk: Buffer) => {
            stderr += chunk.toString();
            if (/\[#+\.*\]/.test(stderr)) resolve();
          });
          void exited.then(() => reject(new Error(`the demo ended before its first bar: ${stderr}`)));
        });
        expect(await redis.dbsize()).toBeGreaterThan(0);
        child.kill('SIGINT');
        expect(await exited, stderr).toBe(130);
        expect(stderr).toContain('demo: SIGINT: stopping the cluster and releasing what the run started');
        expect(stderr).toContain('demo: interrupted by SIGINT: stopped');
        expect(await redis.keys('*')).toEqual([]);
        expect(await readdir(dir)).toEqual([]);
      } finally {
        redis.disconnect();
        await server.cleanup();
      }
    },
    scaled(120_000),
  );

  it('refuses --days and --to together before starting anything', async () => {
    const demo = await runCli({}, ['demo', '--days', '3', '--to', '2021-12-01', '--report-dir', dir], scaled(30_000));
    expect(demo.code).not.toBe(0);
    expect(demo.stderr).toContain('--days and --to both given: give the end of the replay once');
    expect(await readdir(dir)).toEqual([]);
  });
});
