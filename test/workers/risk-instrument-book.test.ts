import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { riskDecisions } from '../../src/db/schema/risk-decisions.ts';
import { InstrumentBook } from '../../src/market/instrument-book.ts';
import {
  ADDS_ALLOWED,
  aRiskProposal,
  barrier,
  decideAll,
  decideOne,
  startRiskWorker,
  type TestAccount,
} from '../support/risk-worker.ts';
import type { TaskHarness } from '../support/task-harness.ts';

describe("the risk worker judges by the worker's instrument book", () => {
  let h: TaskHarness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  it('checks the minimums of the book the runtime built, not the shipped file', async () => {
    h = await startRiskWorker({ equityUsd: '10000', freeCashUsd: '10000', positions: [] }, { 'BTC/USD': '40000' });
    // The exchange's rules as the worker holds them (live on Kraken): 1 BTC at least.
    h.deps.instruments.replaceWith(new InstrumentBook([{ ...InstrumentBook.shipped().get('BTC/USD'), orderMin: '1' }]));
    const decision = await decideOne(h, aRiskProposal('min'));
    expect(decision.rules).toEqual(['instrument_minimum']);
  });

  it('decides a buy proposed at 1.5x as the spot buy it will be sent as: it reserves its cash, so two at once cannot spend the same', async () => {
    const account: TestAccount = { equityUsd: '10000', freeCashUsd: '1000', positions: [], arrive: barrier(2) };
    h = await startRiskWorker(account, { 'BTC/USD': '40000' }, ADDS_ALLOWED);
    // 9.9 % of 10000 at 1x = 990 each: exactly the free cash less the 1 % reserve, for one.
    const buys = [
      aRiskProposal('lev-a', { sizePct: 9.9, leverage: 1.5 }),
      aRiskProposal('lev-b', { sizePct: 9.9, leverage: 1.5 }),
    ];
    const decisions = await decideAll(h, buys);
    expect(decisions.map((d) => d.decision).sort()).toEqual(['approved', 'denied']);
    expect(decisions.find((d) => d.decision === 'denied')!.rules).toEqual(['free_cash']);
    const approved = decisions.find((d) => d.decision === 'approved')!;
    expect(approved.notionalUsd).toBe('990');
    const [row] = await h.database.db
      .select()
      .from(riskDecisions)
      .where(eq(riskDecisions.decisionId, approved.decisionId));
    expect((row!.proposal as { leverage: number }).leverage).toBe(1);
  });
});
