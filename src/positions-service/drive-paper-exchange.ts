import type { Candle } from '../model/candle.ts';
import type { ExchangePort } from '../exchange/exchange-port.ts';
import type { PaperExchange } from '../exchange/paper/paper-exchange.ts';
import { adoptExchangeOrder } from '../orders/order-store.ts';
import type { PositionsDeps } from './positions-deps.ts';

export type DrivePaperExchangeDeps = Pick<PositionsDeps, 'db' | 'bus' | 'clock' | 'exchange'>;

const isPaper = (exchange: ExchangePort): exchange is PaperExchange =>
  exchange.name === 'paper' && 'onPrice' in exchange;

/**
 * The paper exchange trades on the closed bar (resting orders and market orders accepted
 * before the bar opened fill), and every order that filled is brought to the exchange's state
 * (`execution.order_updated` published for each). Nothing for a real exchange, which trades
 * on its own.
 */
export async function drivePaperExchange(deps: DrivePaperExchangeDeps, bar: Candle): Promise<void> {
  if (!isPaper(deps.exchange)) return;
  const fills = await deps.exchange.onPrice(bar.symbol, bar);
  for (const clientOrderId of new Set(fills.map((f) => f.clientOrderId))) await syncOrder(deps, clientOrderId);
}

async function syncOrder(deps: DrivePaperExchangeDeps, clientOrderId: string): Promise<void> {
  const exchangeOrder = await deps.exchange.findByClientOrderId(clientOrderId);
  if (!exchangeOrder) return;
  // Synced when recorded here (found by exchange or client id), adopted otherwise.
  const { order } = await adoptExchangeOrder(deps.db, deps.exchange.name, exchangeOrder, deps.clock.now());
  await deps.bus.publish(
    'execution.order_updated',
    {
      orderId: order.exchangeOrderId ?? clientOrderId,
      clientOrderId,
      status: order.status,
      side: order.side,
      filledQty: order.filledQuantity,
      avgFillPrice: order.avgFillPrice,
    },
    {
      symbol: order.symbol,
      source: 'positions',
      ...(order.correlationId ? { correlationId: order.correlationId } : {}),
    },
  );
}
