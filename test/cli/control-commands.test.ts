import type { Redis } from 'ioredis';
import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { ControlPlane } from '../../src/control/control-plane.ts';
import { ControlStateRecord } from '../../src/control/control-state-record.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { StatusDocument } from '../../src/status/status-document.ts';
import { runCli } from '../support/run-cli.ts';
import type { TestBus } from '../support/test-bus.ts';
import { bullConnection } from '../support/test-queues.ts';
import { scaled } from '../support/test-timing.ts';

/** The order queues a halt pauses, sorted. */
const HALT_PAUSED = ['decision', 'execution', 'portfolio', 'regime', 'risk', 'sentiment', 'ta'];

describe('triplegain pause | resume | halt | reset | status', () => {
  let t: TestBus;
  let connection: Redis;
  let control: ControlPlane;
  let env: Record<string, string>;
  it.beforeEach(async ({ bus }) => {
    t = bus;
    connection = bullConnection(t.url);
    control = new ControlPlane({ redis: t.redis, keys: t.keys, connection, bus: t.bus, logger: silentLogger });
    env = {
      REDIS_URL: t.url,
      TRIPLEGAIN__REDIS__KEY_PREFIX: t.prefix,
      // Nothing listens there: the control commands must not need the database.
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    };
  });
  afterEach(async () => {
    connection.disconnect();
  });

  const cli = (...args: string[]) => runCli(env, args, scaled(15_000));

  it(
    'halts with a reason, shows HALTED and the paused queues, and refuses resume until a reset',
    async () => {
      const halt = await cli('halt', '--reason', 'drill');
      expect(halt.code, halt.stderr).toBe(0);
      expect(halt.stdout).toContain('RUNNING → HALTED');
      // The CLI wrote the shared state every replica reads.
      expect(ControlStateRecord.parse(await t.redis.hgetall(t.keys.controlState))).toMatchObject({
        state: 'HALTED',
        reason: 'drill',
        requestedBy: expect.stringMatching(/^cli:/),
      });

      const status = await cli('status');
      // Exit 1: the database part is missing (nothing listens at DATABASE_URL); what Redis knows is printed.
      expect(status.code, status.stderr).toBe(1);
      expect(status.stdout).toMatch(/^database +UNAVAILABLE: cannot open PostgreSQL/m);
      expect(status.stdout).toMatch(/^state +HALTED \(version 1, by cli:[^:]+: drill\)$/m);
      const paused = /^paused +(.+)$/m.exec(status.stdout)?.[1];
      expect(paused?.split(', ').sort()).toEqual(HALT_PAUSED);

      const refused = await cli('resume');
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/cannot resume while HALTED.*`triplegain reset` first/);
      expect(await t.redis.hget(t.keys.controlState, 'state')).toBe('HALTED');
      // Three CLI processes in a row: each takes seconds to start on a loaded machine.
    },
    scaled(60_000),
  );

  it(
    'leaves a halt with reset then resume, and prints the status as JSON',
    async () => {
      await control.apply('halt', { requestedBy: 'test', reason: 'drill' });

      const reset = await cli('reset');
      expect(reset.code, reset.stderr).toBe(0);
      expect(reset.stdout).toContain('HALTED → PAUSED');
      const resumed = await cli('resume');
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stdout).toContain('PAUSED → RUNNING');
      expect(resumed.stdout).toContain('paused queues: none');

      const json = await cli('status', '--json');
      expect(json.code, json.stderr).toBe(1);
      const parsed = StatusDocument.parse(JSON.parse(json.stdout));
      expect(parsed.database.available).toBe(false);
      expect(parsed.redis).toMatchObject({
        available: true,
        control: { state: 'RUNNING', version: 3, resets: 1, pausedQueues: [], submissionsInFlight: [] },
        degradation: { level: 'NORMAL' },
        risk: null,
      });
    },
    scaled(60_000),
  );
});
