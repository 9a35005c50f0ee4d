import { afterEach, describe, expect, it } from 'vitest';
import { decisionJobId } from '../../src/queues/add-decision-flow.ts';
import { symbolSlug } from '../../src/market/symbol-slug.ts';
import { allQueues, createTaskHarness, type TaskHarness } from '../support/task-harness.ts';
import { scaled } from '../support/test-timing.ts';

const HOUR_MS = 3_600_000;
/** Eight market hours of both recordings, a minute after each bar closed. */
const START_MS = Date.UTC(2021, 10, 8, 0, 1);
const HOURS = 8;

/** Replays HOURS hours through the real workers and returns every signal published, as published. */
async function replay(h: TaskHarness): Promise<unknown[]> {
  await h.startWorkers(allQueues);
  for (let hour = 0; hour < HOURS; hour++) {
    h.clock.set(START_MS + hour * HOUR_MS);
    const md = await h.runTick('market-data');
    for (const symbol of h.config.symbols.pairs)
      await h.settled('market-data', `marketData.${symbolSlug(symbol)}.${md.tickId}`);
    const tick = await h.runTick('decision');
    for (const symbol of h.config.symbols.pairs) {
      const decide = await h.settled('decision', decisionJobId(symbol, tick.tickId));
      expect(decide.state, decide.failedReason).toBe('completed');
    }
  }
  const entries = await h.t.redis.xrange(h.t.keys.busStream('trading_signals'), '-', '+');
  // Symbols run in parallel, so only the order between symbols may differ.
  return entries
    .map(([, fields]) => {
      const field = (name: string) => fields[fields.indexOf(name) + 1];
      return {
        symbol: field('symbol'),
        type: field('type'),
        payload: JSON.parse(field('payload')!) as { signalId: string },
      };
    })
    .sort((a, b) => a.payload.signalId.localeCompare(b.payload.signalId));
}

describe('replay', () => {
  const harnesses: TaskHarness[] = [];
  afterEach(async () => {
    for (const h of harnesses) await h.cleanup();
    harnesses.length = 0;
  });

  it(
    'gives identical signals when the same replay runs twice',
    async () => {
      const runs: unknown[][] = [];
      for (let i = 0; i < 2; i++) {
        const h = await createTaskHarness({ clockMs: START_MS });
        harnesses.push(h);
        runs.push(await replay(h));
      }
      expect(runs[0]).toHaveLength(HOURS * 2);
      expect(runs[1]).toEqual(runs[0]);
      // One signal per symbol and bar, for consecutive bars.
      const ids = runs[0]!.map((s) => (s as { payload: { signalId: string } }).payload.signalId);
      expect(new Set(ids).size).toBe(HOURS * 2);
    },
    scaled(120_000),
  );
});
