import { describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { orderReservations } from '../../src/db/schema/order-reservations.ts';
import { releaseReservationsOf } from '../../src/reservations/release-reservations.ts';
import { reserveForApproval, type Reservation } from '../../src/reservations/reserve-for-approval.ts';

const anExit = (id: string, positionId = 7): Reservation => ({
  decisionId: `appr-${id}`,
  clientOrderId: `order-${id}`,
  account: 'paper',
  symbol: 'XRP/USD',
  kind: 'exit',
  amount: '400',
  positionId,
});
const aCash = (id: string): Reservation => ({
  decisionId: `appr-${id}`,
  clientOrderId: `order-${id}`,
  account: 'paper',
  symbol: 'BTC/USD',
  kind: 'cash',
  amount: '500',
  positionId: null,
});

describe('reserveForApproval', () => {
  it('stores nothing for a second exit of a position while the first holds its claim, and says so instead of failing', async ({
    database,
  }) => {
    expect(await reserveForApproval(database.db, anExit('a'))).toBe(true);
    expect(await reserveForApproval(database.db, anExit('b'))).toBe(false);
    // Another position's exit is not concerned.
    expect(await reserveForApproval(database.db, anExit('c', 8))).toBe(true);
    expect((await database.db.select().from(orderReservations)).map((r) => r.decisionId).sort()).toEqual([
      'appr-a',
      'appr-c',
    ]);
  });

  it("lets the next exit take the claim once the first one's order is done", async ({ database }) => {
    await reserveForApproval(database.db, anExit('a'));
    await releaseReservationsOf(database.db, 'order-a', 'filled');
    expect(await reserveForApproval(database.db, anExit('b'))).toBe(true);
  });

  it('stores every cash reservation', async ({ database }) => {
    expect(await reserveForApproval(database.db, aCash('a'))).toBe(true);
    expect(await reserveForApproval(database.db, aCash('b'))).toBe(true);
    expect(await database.db.select().from(orderReservations)).toHaveLength(2);
  });
});
