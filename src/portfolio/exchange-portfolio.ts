import { Decimal } from '../model/decimal.ts';
import { and, eq, isNull, notExists, notInArray } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { orderReservations } from '../db/schema/order-reservations.ts';
import { orders } from '../db/schema/orders.ts';
import type { Balances, ExchangePort } from '../exchange/exchange-port.ts';
import type { Timeframe } from '../model/timeframe.ts';
import { terminalOrderStatuses } from '../model/order-status.ts';
import { loadOpenPositions } from '../positions/position-store.ts';
import { toOpenPosition } from '../positions/valuation.ts';
import type { PortfolioReader } from '../risk/portfolio-reader.ts';
import { latestPrices, marksOf } from './latest-prices.ts';
import { balancesEquity } from './value-account.ts';

export interface ExchangePortfolioDeps {
  db: Db;
  exchange: Pick<ExchangePort, 'balances' | 'availableBalances' | 'marginEquity' | 'marginPositions'>;
  /** `execution.margin`: equity and the margin positions are then the exchange's own (`marginEquity`, `marginPositions`) when it has them. */
  margin?: boolean;
  /** `paper` or `kraken`: whose positions. */
  account: string;
  cashAsset: string;
  timeframe: Timeframe;
  /**
   * Wall time: balances read by an earlier caller up to this long before may answer (see
   * `BalanceReadOptions.maxAgeMs`; `PortfolioReader.balancesMaxAgeMs`). Absent: an exchange
   * whose balances are read fresh each time (paper).
   */
  balancesMaxAgeMs?: number;
}

/**
 * The account as the exchange and the positions say: equity is every balance valued at the
 * latest close of its pair against the cash asset (a negative balance, a margin short, counts
 * negative); the open positions are valued at the same closes. An asset held without a price
 * makes the reader fail, and the risk job then denies rather than guesses. On margin
 * (`margin`), equity is the exchange's own (Kraken's `TradeBalance` equity, positions' P&L
 * included) instead, and a symbol with an open margin position (Kraken's `OpenPositions`) is
 * reported as the exchange has it. Free cash is what the exchange says is available when it says so
 * (Kraken's `BalanceEx`, net of what every resting order holds).
 */
export function exchangePortfolio(deps: ExchangePortfolioDeps): PortfolioReader {
  // Reads at the same moment share one balance call (on Kraken a rate-limited private call):
  // the risk job asks for equity and free cash together. A read with a signal of its own asks
  // alone: the exchange shares what it can (`KrakenBalanceReader`).
  let pending: Promise<Balances> | null = null;
  const read = deps.balancesMaxAgeMs === undefined ? {} : { maxAgeMs: deps.balancesMaxAgeMs };
  const balancesNow = (signal: AbortSignal | undefined): Promise<Balances> =>
    signal
      ? deps.exchange.balances(signal, read)
      : (pending ??= deps.exchange.balances(undefined, read).finally(() => (pending = null)));
  return {
    balancesMaxAgeMs: deps.balancesMaxAgeMs ?? 0,
    async equityUsd(signal) {
      if (deps.margin && deps.exchange.marginEquity) return deps.exchange.marginEquity(deps.cashAsset, signal);
      const balances = await balancesNow(signal);
      const held = Object.keys(balances).filter((asset) => !new Decimal(balances[asset] ?? '0').isZero());
      return balancesEquity(
        balances,
        await latestPrices(deps.db, { cashAsset: deps.cashAsset, timeframe: deps.timeframe, assets: held }),
        deps.cashAsset,
      );
    },
    async openPositions(signal) {
      const open = await loadOpenPositions(deps.db, deps.account);
      const marks = await marksOf(
        deps.db,
        open.map((p) => p.symbol),
        deps.timeframe,
      );
      const ours = open.map((p) => toOpenPosition(p, marks.get(p.symbol)!));
      if (!deps.margin || !deps.exchange.marginPositions) return ours;
      const theirs = await deps.exchange.marginPositions(signal);
      const onMargin = new Set(theirs.map((p) => p.symbol));
      return [
        ...ours.filter((p) => !onMargin.has(p.symbol)),
        ...theirs.map((p) => ({
          symbol: p.symbol,
          side: p.side,
          notionalUsd: p.notionalUsd,
          leverage: p.leverage,
          quantity: p.quantity,
        })),
      ];
    },
    async freeCashUsd(signal) {
      if (deps.exchange.availableBalances) {
        // Net of what every resting order holds (`hold_trade`), reserved or not: a resting buy
        // an approval still holds cash for is then taken off twice (here and by
        // `heldCashUsd`), which errs on the side of buying less.
        const available = await deps.exchange.availableBalances(signal, read);
        return available[deps.cashAsset] ?? '0';
      }
      const balances = await balancesNow(signal);
      // An approved buy's order is left out while its approval holds a cash reservation: the
      // risk worker takes the reservation (the whole approved amount, until the order is done)
      // off this free cash itself (`heldCashUsd`), so counting the order here too would take
      // the same cash twice. Only buys no approval holds cash for (adopted ones, say) are
      // counted here.
      const reserved = deps.db
        .select({ one: orderReservations.decisionId })
        .from(orderReservations)
        .where(
          and(
            eq(orderReservations.clientOrderId, orders.clientOrderId),
            eq(orderReservations.kind, 'cash'),
            isNull(orderReservations.releasedAt),
          ),
        );
      const buying = await deps.db
        .select({
          symbol: orders.symbol,
          quantity: orders.quantity,
          filledQuantity: orders.filledQuantity,
          limitPrice: orders.limitPrice,
        })
        .from(orders)
        .where(
          and(
            eq(orders.exchange, deps.account),
            eq(orders.side, 'buy'),
            eq(orders.leverage, '1'),
            notInArray(orders.status, [...terminalOrderStatuses]),
            notExists(reserved),
          ),
        );
      // Market buys are priced at their pairs' latest closes, read in one statement.
      const marks = await marksOf(
        deps.db,
        buying.filter((o) => o.limitPrice === null).map((o) => o.symbol),
        deps.timeframe,
      );
      let free = new Decimal(balances[deps.cashAsset] ?? '0');
      for (const o of buying) {
        const price = o.limitPrice ?? marks.get(o.symbol)!;
        free = free.minus(new Decimal(o.quantity).minus(o.filledQuantity).times(price));
      }
      return free.toFixed();
    },
  };
}
