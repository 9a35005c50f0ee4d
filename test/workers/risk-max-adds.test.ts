import { afterEach, describe, expect, it } from 'vitest';
import { positionFills } from '../../src/db/schema/position-fills.ts';
import { positions } from '../../src/db/schema/positions.ts';
import { applyOrderEvent } from '../../src/orders/order-store.ts';
import {
  aRiskProposal,
  decideOne,
  fillOrder,
  placeOrderFor,
  RISK_CLOCK_MS,
  startRiskWorker,
} from '../support/risk-worker.ts';
import { aPositionRow } from '../support/builders.ts';
import type { TaskHarness } from '../support/task-harness.ts';
import { scaled } from '../support/test-timing.ts';

const account = { equityUsd: '10000', freeCashUsd: '10000', positions: [] };
const buy = (id: string) => aRiskProposal(id, { sizePct: 5 });

/** A position of BTC/USD, open or closed, made of the given entry orders' fills. */
async function positionOf(h: TaskHarness, status: 'open' | 'closed', fillIds: string[]): Promise<void> {
  const at = new Date(RISK_CLOCK_MS);
  const [row] = await h.database.db
    .insert(positions)
    .values(
      aPositionRow(at, {
        status,
        quantity: '0.0125',
        avgEntryPrice: '40000',
        closedAt: status === 'closed' ? at : null,
      }),
    )
    .returning({ id: positions.id });
  for (const fillId of fillIds)
    await h.database.db.insert(positionFills).values({ fillId, positionId: row!.id, realizedPnlUsd: '0' });
}

describe('adds to a position (risk.maxAddsPerPosition), on the real stores', () => {
  let h: TaskHarness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  it(
    'denies a second entry while the first is on its way, filled but not yet taken in, and taken into the open position',
    async () => {
      h = await startRiskWorker(account, { 'BTC/USD': '40000' });
      const first = await decideOne(h, buy('first'));
      expect(first.decision).toBe('approved');

      // Approved, no order yet: its cash reservation says it is on its way.
      expect(await decideOne(h, buy('on-its-way'))).toMatchObject({ decision: 'denied', rules: ['max_adds'] });

      // Filled, the reservation released, the fill not yet in a position.
      const orderId = await placeOrderFor(h, buy('first'), first.decisionId, first.quantity!);
      await fillOrder(h, orderId, first.quantity!, '40000');
      expect(await decideOne(h, buy('filled'))).toMatchObject({ decision: 'denied', rules: ['max_adds'] });

      // Taken into the open position.
      await positionOf(h, 'open', [`f-${orderId}`]);
      expect(await decideOne(h, buy('held'))).toMatchObject({ decision: 'denied', rules: ['max_adds'] });
    },
    scaled(30_000),
  );

  it(
    'approves an entry again once the position it added to is closed, and a rejected entry takes no place',
    async () => {
      h = await startRiskWorker(account, { 'BTC/USD': '40000' });
      const first = await decideOne(h, buy('first'));
      const orderId = await placeOrderFor(h, buy('first'), first.decisionId, first.quantity!);
      await fillOrder(h, orderId, first.quantity!, '40000');
      await positionOf(h, 'closed', [`f-${orderId}`]);

      const second = await decideOne(h, buy('after-close'));
      expect(second.decision).toBe('approved');
      // The exchange refuses it: its reservation is released and it never filled.
      const refused = await placeOrderFor(h, buy('after-close'), second.decisionId, second.quantity!);
      await applyOrderEvent(h.database.db, refused, { kind: 'rejected', reason: 'EOrder:Insufficient funds' });
      expect((await decideOne(h, buy('after-reject'))).decision).toBe('approved');
    },
    scaled(30_000),
  );

  it(
    'allows maxAddsPerPosition adds and denies the next; a rebalance buy of the pair is no entry',
    async () => {
      h = await startRiskWorker(account, { 'BTC/USD': '40000' }, { risk: { maxAddsPerPosition: 1 } });
      expect((await decideOne(h, buy('entry'))).decision).toBe('approved');
      expect((await decideOne(h, buy('add'))).decision).toBe('approved');
      const third = await decideOne(h, buy('second-add'));
      expect(third).toMatchObject({ decision: 'denied', rules: ['max_adds'] });
      expect(third.messages).toEqual([
        'BTC/USD already has 2 entries open or on the way (1 add); risk.maxAddsPerPosition is 1',
      ]);
      const rebalance = aRiskProposal('rebalance', {
        sizePct: 5,
        purpose: 'rebalance',
        source: 'rebalance',
        stopLoss: null,
        takeProfit: null,
      });
      expect((await decideOne(h, rebalance)).decision).toBe('approved');
    },
    scaled(30_000),
  );
});
