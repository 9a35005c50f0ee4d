import { Decimal } from 'decimal.js';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseNow } from '../../src/db/database-now.ts';
import { orderReservations } from '../../src/db/schema/order-reservations.ts';
import { positions } from '../../src/db/schema/positions.ts';
import { clientOrderIdOf } from '../../src/model/client-order-id.ts';
import { applyOrderEvent, createOrder, startSubmission } from '../../src/orders/order-store.ts';
import { heldCashUsd } from '../../src/reservations/held-cash.ts';
import {
  ADDS_ALLOWED,
  aRiskProposal,
  barrier,
  decideAll,
  decideOne,
  fillOrder,
  placeOrderFor,
  RISK_CLOCK_MS,
  startRiskWorker,
  type TestAccount,
} from '../support/risk-worker.ts';
import { aPositionRow } from '../support/builders.ts';
import type { TaskHarness } from '../support/task-harness.ts';
import { scaled } from '../support/test-timing.ts';

const heldNow = async (h: TaskHarness) =>
  (await heldCashUsd(h.database.db, 'paper', new Date((await databaseNow(h.database.db)).getTime() + 1))).toFixed();

describe('approvals reserve what they spend', () => {
  let h: TaskHarness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  it(
    'approves exactly one of two spot buys decided at the same moment with cash for one; the other is denied free_cash',
    async () => {
      // Both jobs read the account (free cash 1000) before either decides.
      const account: TestAccount = { equityUsd: '10000', freeCashUsd: '1000', positions: [], arrive: barrier(2) };
      h = await startRiskWorker(account, { 'BTC/USD': '40000' }, ADDS_ALLOWED);
      // 9.9 % of 10000 = 990: exactly the free cash less the 1 % reserve.
      const buys = [aRiskProposal('buy-a', { sizePct: 9.9 }), aRiskProposal('buy-b', { sizePct: 9.9 })];
      const decisions = await decideAll(h, buys);
      expect(decisions.map((d) => d.decision).sort()).toEqual(['approved', 'denied']);
      expect(decisions.find((d) => d.decision === 'denied')!.rules).toEqual(['free_cash']);

      const approved = buys[decisions.findIndex((d) => d.decision === 'approved')]!;
      const reservations = await h.database.db.select().from(orderReservations);
      // The approved notional grossed up by the reserve, held under the order execution will place.
      expect(reservations).toEqual([
        expect.objectContaining({
          decisionId: `appr-${approved.proposalId}`,
          clientOrderId: clientOrderIdOf(approved.proposalId, 'entry'),
          kind: 'cash',
          amount: '1000',
          positionId: null,
          releasedAt: null,
        }),
      ]);
    },
    scaled(30_000),
  );

  it(
    'case 3: denies a second exit of the whole XRP long approved at the same moment or a second later (exit_in_flight); no exit exceeds the position',
    async () => {
      const account: TestAccount = {
        equityUsd: '10000',
        freeCashUsd: '10000',
        positions: [{ symbol: 'XRP/USD', side: 'long', notionalUsd: '1000', leverage: 1 }],
        arrive: barrier(2),
      };
      h = await startRiskWorker(account, { 'XRP/USD': '2.5' });
      const at = new Date(RISK_CLOCK_MS);
      const [row] = await h.database.db
        .insert(positions)
        .values(aPositionRow(at, { symbol: 'XRP/USD', quantity: '400', avgEntryPrice: '2.5' }))
        .returning({ id: positions.id });
      // A CLOSE sized as the coordinator sizes it: the whole notional, rounded up.
      const close = (id: string) =>
        aRiskProposal(id, {
          symbol: 'XRP/USD',
          side: 'sell',
          intent: 'exit',
          entryPrice: '2.5',
          stopLoss: null,
          sizePct: 10.0001,
        });

      const [first, second] = [close('close-a'), close('close-b')];
      const together = await decideAll(h, [first, second]);
      expect(together.map((d) => d.decision).sort()).toEqual(['approved', 'denied']);
      const approvedAt = together.findIndex((d) => d.decision === 'approved');
      expect(together[approvedAt]!.quantity).toBe('400');
      expect(together[1 - approvedAt]!.rules).toEqual(['exit_in_flight']);

      // 1.08 s later, before the first has filled.
      account.arrive = undefined;
      expect(await decideOne(h, close('close-c'))).toMatchObject({ decision: 'denied', rules: ['exit_in_flight'] });
      expect(await h.database.db.select().from(orderReservations)).toEqual([
        expect.objectContaining({ kind: 'exit', amount: '400', positionId: row!.id, releasedAt: null }),
      ]);

      // The first exit fills: its reservation is released, and nothing is left to exit.
      const winner = [first, second][approvedAt]!;
      const orderId = await placeOrderFor(h, winner, together[approvedAt]!.decisionId, '400');
      await fillOrder(h, orderId, '400', '2.5');
      const [released] = await h.database.db.select().from(orderReservations);
      expect(released).toMatchObject({ releaseReason: 'filled', releasedAt: expect.any(Date) });
      expect(await decideOne(h, close('close-d'))).toMatchObject({
        decision: 'denied',
        rules: ['exit_within_position'],
      });
    },
    scaled(30_000),
  );

  it(
    'releases a reservation when its order fills, is canceled or is rejected, and the held cash drops with it',
    async () => {
      h = await startRiskWorker(
        { equityUsd: '10000', freeCashUsd: '10000', positions: [] },
        { 'BTC/USD': '40000' },
        ADDS_ALLOWED,
      );
      const buys = ['fills', 'cancels', 'rejects'].map((id) => aRiskProposal(id));
      const orderIds: string[] = [];
      for (const buy of buys) {
        const decision = await decideOne(h, buy);
        expect(decision).toMatchObject({ decision: 'approved', notionalUsd: '500', quantity: '0.0125' });
        orderIds.push(await placeOrderFor(h, buy, decision.decisionId, decision.quantity!));
      }
      // 500 / 0.99 each, rounded up to 8 decimals.
      const each = new Decimal('505.05050506');
      expect(await heldNow(h)).toBe(each.times(3).toFixed());
      const beforeReleases = await databaseNow(h.database.db);

      await fillOrder(h, orderIds[0]!, '0.0125', '40000');
      expect(await heldNow(h)).toBe(each.times(2).toFixed());
      await applyOrderEvent(h.database.db, orderIds[1]!, { kind: 'rejected', reason: 'EOrder:Insufficient funds' });
      expect(await heldNow(h)).toBe(each.toFixed());
      // The third was accepted and then canceled on the exchange.
      await applyOrderEvent(h.database.db, orderIds[2]!, { kind: 'accepted', exchangeOrderId: 'x-3' });
      await applyOrderEvent(h.database.db, orderIds[2]!, { kind: 'canceled' });
      expect(await heldNow(h)).toBe('0');

      const reasons = await h.database.db
        .select({ clientOrderId: orderReservations.clientOrderId, reason: orderReservations.releaseReason })
        .from(orderReservations);
      expect(new Map(reasons.map((r) => [r.clientOrderId, r.reason]))).toEqual(
        new Map([
          [orderIds[0], 'filled'],
          [orderIds[1], 'rejected'],
          [orderIds[2], 'canceled'],
        ]),
      );
      // Balances read before the releases may not show the fill yet: against them all three still count.
      expect((await heldCashUsd(h.database.db, 'paper', beforeReleases)).toFixed()).toBe(each.times(3).toFixed());
    },
    scaled(30_000),
  );

  it(
    'counts the cash of a buy filled since balances an earlier decision read, when the reader shares such a read',
    async () => {
      // The balances may come from a read begun up to a minute before (shared with an earlier
      // decision): the free cash below is from before buy A filled.
      const account: TestAccount = { equityUsd: '10000', freeCashUsd: '1000', positions: [], balancesMaxAgeMs: 60_000 };
      h = await startRiskWorker(account, { 'BTC/USD': '40000' }, ADDS_ALLOWED);
      const a = aRiskProposal('buy-a', { sizePct: 4.95 });
      const first = await decideOne(h, a);
      expect(first).toMatchObject({ decision: 'approved', notionalUsd: '495' });
      // A fills; its reservation (495 / 0.99 = 500) is released. The shared read does not show it.
      await fillOrder(h, await placeOrderFor(h, a, first.decisionId, first.quantity!), first.quantity!, '40000');

      const second = await decideOne(h, aRiskProposal('buy-b', { sizePct: 9.9 }));
      // 1000 − 500 still held = 500, less the 1 % reserve: 495, not the 990 asked.
      expect(second).toMatchObject({ decision: 'approved', notionalUsd: '495' });
    },
    scaled(30_000),
  );

  it(
    'sizes an exit to what the exits already working leave of the position',
    async () => {
      h = await startRiskWorker({ equityUsd: '10000', freeCashUsd: '10000', positions: [] }, { 'XRP/USD': '2.5' });
      const at = new Date(RISK_CLOCK_MS);
      await h.database.db
        .insert(positions)
        .values(aPositionRow(at, { symbol: 'XRP/USD', quantity: '400', avgEntryPrice: '2.5' }));
      // A circuit breaker's cut of 300 XRP is working on the exchange (no approval, no reservation).
      await createOrder(h.database.db, {
        clientOrderId: 'breaker-cut',
        decisionId: null,
        proposalId: null,
        correlationId: 'breaker',
        symbol: 'XRP/USD',
        side: 'sell',
        type: 'market',
        intent: 'exit',
        purpose: 'exit',
        cause: 'breaker',
        quantity: '300',
        reduceOnly: true,
        exchange: 'paper',
      });
      await startSubmission(h.database.db, 'breaker-cut');
      await applyOrderEvent(h.database.db, 'breaker-cut', { kind: 'accepted', exchangeOrderId: 'x-cut' });
      const close = aRiskProposal('close', {
        symbol: 'XRP/USD',
        side: 'sell',
        intent: 'exit',
        entryPrice: '2.5',
        stopLoss: null,
        sizePct: 10.0001,
      });
      expect(await decideOne(h, close)).toMatchObject({ decision: 'approved', quantity: '100', notionalUsd: '250' });
    },
    scaled(30_000),
  );

  it(
    "frees a position's exit claim when its exit is canceled: the next exit is approved for what is left",
    async () => {
      h = await startRiskWorker({ equityUsd: '10000', freeCashUsd: '10000', positions: [] }, { 'XRP/USD': '2.5' });
      const at = new Date(RISK_CLOCK_MS);
      await h.database.db
        .insert(positions)
        .values(aPositionRow(at, { symbol: 'XRP/USD', quantity: '400', avgEntryPrice: '2.5' }));
      // Half the position (5 % of 10000 = 500 = 200 XRP).
      const half = (id: string) =>
        aRiskProposal(id, {
          symbol: 'XRP/USD',
          side: 'sell',
          intent: 'exit',
          entryPrice: '2.5',
          stopLoss: null,
          sizePct: 5,
        });
      const first = half('half-a');
      const approval = await decideOne(h, first);
      expect(approval).toMatchObject({ decision: 'approved', quantity: '200' });
      // Quantity is left, but one approved exit is in flight: the claim is checked before deciding.
      expect(await decideOne(h, half('half-b'))).toMatchObject({
        decision: 'denied',
        rules: ['exit_in_flight'],
        messages: ['an approved exit of the long XRP/USD position is not done yet: one exit at a time'],
      });

      const orderId = await placeOrderFor(h, first, approval.decisionId, '200');
      await applyOrderEvent(h.database.db, orderId, { kind: 'accepted', exchangeOrderId: 'x-half' });
      await applyOrderEvent(h.database.db, orderId, { kind: 'canceled' });
      expect(await decideOne(h, half('half-c'))).toMatchObject({ decision: 'approved', quantity: '200' });
      const held = await h.database.db.select().from(orderReservations).where(eq(orderReservations.kind, 'exit'));
      expect(held.map((r) => [r.amount, r.releaseReason])).toEqual(
        expect.arrayContaining([
          ['200', 'canceled'],
          ['200', null],
        ]),
      );
    },
    scaled(30_000),
  );
});
