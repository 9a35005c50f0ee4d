import { Decimal } from 'decimal.js';
import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { orderReservations } from '../../src/db/schema/order-reservations.ts';
import { positions } from '../../src/db/schema/positions.ts';
import { systemEvents } from '../../src/db/schema/system-events.ts';
import { approvedClientOrderId } from '../../src/model/approved-order.ts';
import { reserveForApproval } from '../../src/reservations/reserve-for-approval.ts';
import { exitPosition } from '../../src/execution/exit-position.ts';
import { syncProtectiveStop } from '../../src/execution/sync-protective-stop.ts';
import { syncFromExchange } from '../../src/orders/order-store.ts';
import { loadOrder, loadOrderEvents } from '../../src/orders/order-reads.ts';
import { flatBar, PositionScenario } from '../support/position-scenario.ts';
import { scaled } from '../support/test-timing.ts';

/**
 * One position, one stop sized to it; exits that never overshoot. Each case is one that was
 * seen in a replay or the cluster, replayed here on the real stores and the paper exchange.
 */
describe('every position protected, never oversold', () => {
  let s: PositionScenario | undefined;
  afterEach(async () => {
    await s?.cleanup();
    s = undefined;
  });

  it(
    'case 1: an add replaces the first stop before the new one rests; the stop fill closes the long and never shorts it',
    async () => {
      // ETH-sized amounts on a pair at 3 000 (the replay's ETH/USD, on a pair the paper exchange knows).
      s = await PositionScenario.start({ price: '3000' });
      await s.enter('0.2162', '2900');
      await s.bar(flatBar('3000'));
      expect((await s.workingStops()).map((o) => [o.quantity, o.status])).toEqual([['0.2162', 'open']]);

      await s.enter('0.2604', '2900');
      await s.bar(flatBar('3000'));
      expect(await s.position()).toMatchObject({ side: 'long', quantity: '0.4766' });
      // One stop, for the whole position; the first is canceled, not left to fill beside it.
      expect((await s.workingStops()).map((o) => [o.quantity, o.status])).toEqual([['0.4766', 'open']]);
      expect(
        (await s.orders())
          .filter((o) => o.purpose === 'stop_loss')
          .map((o) => o.status)
          .sort(),
      ).toEqual(['canceled', 'open']);
      // Recorded as this system's cancel, with why: not as the exchange's.
      const replaced = (await s.orders()).find((o) => o.purpose === 'stop_loss' && o.status === 'canceled')!;
      expect((await loadOrderEvents(s.h.database.db, replaced.clientOrderId)).at(-1)!.payload).toMatchObject({
        reason: 'canceled by triplegain: replaced by a stop of 0.4766 at 2900',
      });

      await s.bar({ open: '2950', high: '2950', low: '2850', close: '2880' });
      await s.bar(flatBar('2800'));
      expect(await s.position()).toBeUndefined();
      expect(
        (await s.orders())
          .filter((o) => o.purpose === 'stop_loss' && o.status === 'filled')
          .map((o) => o.filledQuantity),
      ).toEqual(['0.4766']);
      expect(await s.audit()).toEqual([]);
    },
    scaled(60_000),
  );

  it(
    'case 2: stops never stack past the position, however many syncs race with a fill',
    async () => {
      s = await PositionScenario.start();
      await s.enter('0.1');
      await s.bar(flatBar('40000'));
      await s.enter('0.05');
      const sc = s;
      await Promise.all([
        sc.bar(flatBar('40000')),
        syncProtectiveStop(sc.deps, sc.symbol),
        syncProtectiveStop(sc.deps, sc.symbol),
        syncProtectiveStop(sc.deps, sc.symbol),
      ]);
      await Promise.all([syncProtectiveStop(sc.deps, sc.symbol), syncProtectiveStop(sc.deps, sc.symbol)]);

      const stops = await s.workingStops();
      expect(stops.map((o) => o.quantity)).toEqual(['0.15']);
      expect((await s.restingReduceOnly()).lte((await s.position())!.quantity)).toBe(true);
      expect(await s.audit()).toEqual([]);
    },
    scaled(60_000),
  );

  it(
    'case 2: a stop the exchange cancels is placed again, the gap is recorded, and the engine exits at market when the level is crossed meanwhile',
    async () => {
      s = await PositionScenario.start();
      await s.enter('0.1');
      await s.bar(flatBar('40000'));
      const [stop] = await s.workingStops();
      // The exchange's dead man's switch cancels it; reconciliation records that.
      await s.paper.cancelOrder(stop!.exchangeOrderId!);
      await syncFromExchange(
        s.h.database.db,
        stop!.clientOrderId,
        (await s.paper.findByClientOrderId(stop!.clientOrderId))!,
        s.h.clock.now(),
      );

      // The bar crosses the level: no stop rested through it, so the engine sells at market.
      await s.bar({ open: '39800', high: '39800', low: '38900', close: '38950' });
      const watch = (await s.orders()).filter((o) => o.cause === 'watch');
      expect(watch).toEqual([
        expect.objectContaining({ side: 'sell', type: 'market', quantity: '0.1', reduceOnly: true, status: 'open' }),
      ]);
      const events = await s.h.database.db
        .select()
        .from(systemEvents)
        .where(and(eq(systemEvents.correlationId, 'corr-1')));
      expect(events.map((e) => e.type)).toContain('position.unprotected');
      expect(events.find((e) => e.type === 'position.unprotected')?.message).toContain('canceled');

      await s.bar(flatBar('38900'));
      expect(await s.position()).toBeUndefined();
      expect(await s.audit()).toEqual([]);
    },
    scaled(60_000),
  );

  it(
    'case 3: two exits of the whole XRP long carried out back to back: the second finds nothing left and sells nothing',
    async () => {
      s = await PositionScenario.start({ symbol: 'XRP/USD', price: '0.5' });
      await s.enter('1000', '0.45');
      await s.bar(flatBar('0.5'));
      const first = await s.approve({ side: 'sell', intent: 'exit', quantity: '1000', price: '0.5' });
      const second = await s.approve({ side: 'sell', intent: 'exit', quantity: '1000', price: '0.5' });
      const outcomes = await Promise.all([first.submit(), second.submit()]);
      expect(outcomes.map((o) => (o as { status: string }).status).sort()).toEqual(['refused', 'submitted']);
      // The stop was canceled for the exit; nothing else rests.
      expect((await s.restingReduceOnly()).toFixed()).toBe('1000');

      await s.bar(flatBar('0.5'));
      await s.bar(flatBar('0.5'));
      expect(await s.position()).toBeUndefined();
      const sells = (await s.orders()).filter((o) => o.side === 'sell' && o.status === 'filled');
      expect(sells.reduce((sum, o) => sum.plus(o.filledQuantity), new Decimal(0)).toFixed()).toBe('1000');
      expect(await s.audit()).toEqual([]);
    },
    scaled(60_000),
  );

  it(
    'a partial exit resizes the stop to what it leaves, at once and after the fill',
    async () => {
      s = await PositionScenario.start();
      await s.enter('0.01');
      await s.bar(flatBar('40000'));
      await s.exit('0.004');
      expect((await s.workingStops()).map((o) => o.quantity)).toEqual(['0.006']);
      expect((await s.restingReduceOnly()).toFixed()).toBe('0.01');
      await s.bar(flatBar('40000'));
      expect(await s.position()).toMatchObject({ quantity: '0.006' });
      expect((await s.workingStops()).map((o) => o.quantity)).toEqual(['0.006']);
      expect(await s.audit()).toEqual([]);
    },
    scaled(60_000),
  );

  it(
    "an exit that would leave less than the pair's minimum order takes the remainder with it",
    async () => {
      s = await PositionScenario.start();
      await s.enter('0.01');
      await s.bar(flatBar('40000'));
      // 0.00005 BTC would be left: below XBTUSD's ordermin of 0.0001, it could never be sold.
      await exitPosition(s.deps, {
        symbol: s.symbol,
        key: 'operator-1',
        purpose: 'exit',
        cause: 'operator',
        fenceIntent: 'exit',
        correlationId: 'operator',
        quantity: '0.00995',
      });
      const exits = (await s.orders()).filter((o) => o.purpose === 'exit');
      expect(exits.map((o) => o.quantity)).toEqual(['0.01']);
      // The stop went first, recorded as this system's cancel, naming the exit.
      const [stop] = (await s.orders()).filter((o) => o.purpose === 'stop_loss' && o.status === 'canceled');
      expect((await loadOrderEvents(s.h.database.db, stop!.clientOrderId)).at(-1)!.payload).toMatchObject({
        reason: `canceled by triplegain: cancel-first, before the exit order ${exits[0]!.clientOrderId} (exit)`,
      });
      await s.bar(flatBar('40000'));
      expect(await s.position()).toBeUndefined();
      expect(await s.audit()).toEqual([]);
    },
    scaled(60_000),
  );

  it(
    'an approved exit whose execution fails before its order is recorded frees its exit claim',
    async () => {
      s = await PositionScenario.start();
      await s.enter('0.01');
      await s.bar(flatBar('40000'));
      const [position] = await s.h.database.db.select().from(positions).where(eq(positions.status, 'open'));
      const exit = await s.approve({ side: 'sell', intent: 'exit', quantity: '0.01' });
      const clientOrderId = approvedClientOrderId({ proposalId: exit.proposalId, intent: 'exit' });
      await reserveForApproval(s.h.database.db, {
        decisionId: `appr-${exit.proposalId}`,
        clientOrderId,
        account: 'paper',
        symbol: s.symbol,
        kind: 'exit',
        amount: '0.01',
        positionId: position!.id,
      });
      // The exchange does not answer the stop's cancel: the exit is not sent beside the stop.
      s.paper.cancelOrder = () => Promise.reject(new Error('connection reset'));
      await expect(exit.submit()).rejects.toThrow(/could not be canceled/);
      // Its last attempt failed: the reason is recorded as the approval's order, denied, which
      // releases the claim and keeps a later retry from sending it.
      expect(await loadOrder(s.h.database.db, clientOrderId)).toMatchObject({ status: 'denied' });
      expect((await loadOrderEvents(s.h.database.db, clientOrderId)).at(-1)?.payload).toMatchObject({
        reason: expect.stringMatching(/^not sent: .*could not be canceled/),
      });
      expect(
        await s.h.database.db
          .select()
          .from(orderReservations)
          .where(eq(orderReservations.clientOrderId, clientOrderId)),
      ).toEqual([expect.objectContaining({ releasedAt: expect.any(Date), releaseReason: 'denied' })]);
    },
    scaled(60_000),
  );

  it(
    'a stop at 8 decimals on XBTUSD is moved onto the 0.1 tick (toward the market) before it is sent',
    async () => {
      s = await PositionScenario.start();
      await s.enter('0.01', '39000.12345678');
      await s.bar(flatBar('40000'));
      const [stop] = await s.workingStops();
      expect(stop).toMatchObject({ triggerPrice: '39000.2', status: 'open' });
      expect(await s.paper.findByClientOrderId(stop!.clientOrderId)).toMatchObject({ triggerPrice: '39000.2' });
    },
    scaled(60_000),
  );
});
