import { describe, expect, it } from 'vitest';
import { cappedBy, decide, deniedBy, expectApproved } from './risk-builders.ts';

/** Proposals that name their size (an operator's `--usd` and `close --pct`) rather than a share of equity. */
describe('evaluateRisk on a named size', () => {
  it("takes an entry's notionalUsd as the requested notional, whatever sizePct says, and reports its share of equity", () => {
    expect(expectApproved(decide({ sizePct: 0, notionalUsd: '250' }))).toMatchObject({
      requestedNotionalUsd: '250',
      notionalUsd: '250',
      quantity: '0.005',
      sizePct: 2.5,
    });
  });

  it('still caps a named notional by every sizing rule', () => {
    const approval = expectApproved(decide({ sizePct: 0, notionalUsd: '5000' }));
    expect(cappedBy(approval)).toEqual(['max_position_size']);
    expect(approval).toMatchObject({ notionalUsd: '2000', sizePct: 20 });
  });

  it('exits the named share of what is held, at most what is left after the exits in flight', () => {
    const position = { symbol: 'BTC/USD', side: 'long' as const, notionalUsd: '5000', leverage: 1, quantity: '0.1' };
    const exit = {
      side: 'sell' as const,
      intent: 'exit' as const,
      stopLoss: null,
      takeProfit: null,
      sizePct: 0,
      exitPct: 50,
    };
    expect(expectApproved(decide(exit, { openPositions: [position] }))).toMatchObject({
      quantity: '0.05',
      notionalUsd: '2500',
    });
    expect(
      expectApproved(decide(exit, { openPositions: [{ ...position, pendingExitQuantity: '0.08' }] })),
    ).toMatchObject({ quantity: '0.02' });
    expect(deniedBy(decide(exit))[0]).toBe('exit_within_position');
  });
});
