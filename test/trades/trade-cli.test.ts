import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { riskDecisions } from '../../src/db/schema/risk-decisions.ts';
import { TradeOutcome } from '../../src/trades/trade-outcome.ts';
import { flatBar, PositionScenario } from '../support/position-scenario.ts';
import { runCli } from '../support/run-cli.ts';
import { testDatabaseUrl } from '../support/test-database.ts';
import { scaled } from '../support/test-timing.ts';

/**
 * `triplegain trade …` as an operator runs it: a CLI process on the test's Redis prefix and
 * schema, the risk and execution workers running in this process over the paper exchange.
 */
describe('triplegain trade open | close | cancel', () => {
  let s: PositionScenario;
  let env: Record<string, string>;

  beforeEach(async () => {
    s = await PositionScenario.start({ price: '40000' });
    await s.h.control.recover(s.h.database.db);
    await s.h.startWorkers(['risk', 'execution'], { exchange: s.paper });
    const url = new URL(testDatabaseUrl);
    url.searchParams.set('options', `-c search_path=${s.h.database.schemaName}`);
    env = {
      REDIS_URL: s.h.t.url,
      TRIPLEGAIN__REDIS__KEY_PREFIX: s.h.t.prefix,
      DATABASE_URL: url.toString(),
      TRIPLEGAIN_CONFIG: '',
    };
  });
  afterEach(async () => {
    await s.cleanup();
  });

  const cli = (...args: string[]) => runCli(env, ['trade', ...args], scaled(60_000));

  it(
    'prints the approval and the order of an open, then a close of half as JSON, and a denial with exit code 2',
    async () => {
      const opened = await cli('open', 'BTC/USD', '--usd', '250', '--stop', '2%', '--take-profit', '4%');
      expect(opened.code, opened.stderr).toBe(0);
      expect(opened.stdout).toMatch(/^PLACED: buy BTC\/USD approved for 0\.00625 \(notional 250 USD\); order \S+ open/);
      expect(opened.stdout).toMatch(
        /^proposal {2}op-open-\S+ \(source operator, by cli:[^)]+\): buy entry BTC\/USD 250 USD at 40000, stop loss 39200, take profit 41600$/m,
      );
      expect(opened.stdout).toMatch(/^risk {6}approved \(appr-op-open-\S+\): quantity 0\.00625, notional 250 USD$/m);
      expect(opened.stdout).toMatch(/^explain {3}triplegain explain op-\S+$/m);
      await s.bar(flatBar('40000'));

      const closed = await cli('close', 'BTC/USD', '--pct', '50', '--json');
      expect(closed.code, closed.stderr).toBe(0);
      expect(TradeOutcome.parse(JSON.parse(closed.stdout))).toMatchObject({
        action: 'close',
        status: 'placed',
        risk: { quantity: '0.003125' },
        order: { side: 'sell', reduceOnly: true },
      });

      const denied = await cli('open', 'BTC/USD', '--usd', '250');
      expect(denied.code, denied.stderr).toBe(2);
      // Half the position is still open: a second entry adds to it (max_adds), and has no stop.
      expect(denied.stdout).toMatch(
        /^DENIED: buy BTC\/USD denied by risk: max_adds: BTC\/USD already has 1 entry open or on the way \(0 adds\); risk\.maxAddsPerPosition is 0; stop_loss_required: an entry needs a stop-loss$/m,
      );
    },
    scaled(120_000),
  );

  it(
    'refuses bad inputs with exit code 1 and a message naming the option, writing nothing',
    async () => {
      const cases: [string[], RegExp][] = [
        [['open', 'BTC/USD', '--usd', 'abc', '--stop', '2%'], /^error: --usd: expected a positive decimal amount/m],
        [['open', 'BTC/USD', '--stop', '2%'], /^error: required option '--usd <amount>' not specified/m],
        [
          ['open', 'DOGE/USD', '--usd', '250', '--stop', '2%'],
          /^error: unknown pair "DOGE\/USD": this cluster trades BTC\/USD, XRP\/USD/m,
        ],
        [['close', 'BTC/USD', '--pct', '0'], /^error: --pct: the share to close must be above 0 and at most 100/m],
      ];
      for (const [args, message] of cases) {
        const run = await cli(...args);
        expect(run.code, args.join(' ')).toBe(1);
        expect(run.stderr).toMatch(message);
        expect(run.stdout).toBe('');
      }
      // Checked before any connection: with Redis and the database out of reach, the input error still comes first.
      const offline = await runCli(
        { REDIS_URL: 'redis://127.0.0.1:1', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', TRIPLEGAIN_CONFIG: '' },
        ['trade', 'open', 'BTC/USD', '--usd', '0', '--stop', '2%'],
        scaled(60_000),
      );
      expect(offline.code).toBe(1);
      expect(offline.stderr).toMatch(/^error: --usd: expected a positive decimal amount/m);
      expect(await s.h.database.db.select().from(riskDecisions)).toEqual([]);
      expect(await s.h.queue('risk').getJobCounts()).toMatchObject({ waiting: 0, active: 0, completed: 0, failed: 0 });
    },
    scaled(120_000),
  );

  it(
    'answers a refusal (HALTED, no such position or order) with one line and exit code 2, as a denial, not a crash',
    async () => {
      const refused = async (args: string[], message: RegExp) => {
        const run = await cli(...args);
        expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(2);
        // One line: the refusal, and nothing after it (no closed connection's error event, no stack).
        expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
        expect(run.stderr.trimEnd()).toMatch(message);
      };
      await refused(
        ['cancel', 'no-such-order'],
        /^REFUSED: no order on paper has the client or exchange order id "no-such-order"$/,
      );
      await refused(['close', '#999'], /^REFUSED: no position #999 on paper$/);
      await s.h.control.apply('halt', { requestedBy: 'test', reason: 'drill' });
      // Refused before any connection of the desk's is used: the case that crashed on the connect it closed.
      await refused(['close', 'BTC/USD'], /^REFUSED: cannot close while HALTED: /);
      await refused(['cancel', 'no-such-order'], /^REFUSED: cannot cancel while HALTED: /);
      const json = await cli('close', '#999', '--json');
      expect(json.code).toBe(2);
      expect(JSON.parse(json.stdout)).toMatchObject({ status: 'refused', code: 'COMMAND_REFUSED' });
    },
    scaled(120_000),
  );
});
