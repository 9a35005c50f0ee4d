/** One order as it leaves for an exchange. Prices and quantities are decimal strings. */
export interface OrderRequest {
  /** Stable across retries (derived from the proposal), sent to the exchange as its client id. */
  clientOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  intent: 'entry' | 'exit';
  /** Base-asset units. */
  quantity: string;
  /** Reference (entry) price of the proposal. */
  price: string;
  leverage: number;
  stopLoss: string | null;
  takeProfit: string | null;
}

/**
 * The edge to an exchange (Kraken, or the paper exchange). `submit` resolves once the exchange
 * acknowledged the order; a failure whose outcome is unknown must throw, never resolve.
 */
export interface OrderSubmitter {
  submit(order: OrderRequest, signal: AbortSignal): Promise<{ exchangeOrderId: string }>;
}
