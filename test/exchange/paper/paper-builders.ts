import { ExecutionConfig } from '../../../src/config/sections/execution-config.ts';
import type { PlaceOrderRequest } from '../../../src/exchange/exchange-port.ts';
import type { MatchableOrder, MatchSettings } from '../../../src/exchange/paper/match-order.ts';
import type { PaperExchangeConfig } from '../../../src/exchange/paper/paper-exchange.ts';
import { PriceBar } from '../../../src/model/price-bar.ts';

export const T0_MS = Date.UTC(2025, 0, 15, 12);
export const HOUR_MS = 3_600_000;

/** The paper config: the real defaults (5 bps slippage, 0.25 % maker, 0.4 % taker, 10 % of volume, 10 000 USD), then `overrides`. */
export function paperConfig(overrides: Partial<PaperExchangeConfig> = {}): PaperExchangeConfig {
  return { ...ExecutionConfig.parse({}).paper, cashAsset: 'USD', ...overrides };
}

export function matchSettings(overrides: Partial<MatchSettings> = {}): MatchSettings {
  const { slippageBps, makerFeePct, takerFeePct, maxBarVolumeShare } = paperConfig();
  return { slippageBps, makerFeePct, takerFeePct, maxBarVolumeShare, ...overrides };
}

/** Bar `n` hours after T0, flat at 20 000 with volume 100 unless overridden; passes the real `PriceBar` parse. */
export function aBar(n: number, overrides: Partial<PriceBar> = {}): PriceBar {
  return PriceBar.parse({
    openTimeMs: T0_MS + n * HOUR_MS,
    open: '20000',
    high: '20000',
    low: '20000',
    close: '20000',
    volume: '100',
    ...overrides,
  });
}

export function anOrder(overrides: Partial<MatchableOrder> = {}): MatchableOrder {
  return {
    side: 'buy',
    type: 'market',
    remainingQuantity: '0.1',
    limitPrice: null,
    triggerPrice: null,
    triggered: false,
    ...overrides,
  };
}

let n = 0;
/** A request that passes the real `PlaceOrderRequest` parse: a market buy of 0.1 BTC/USD with a fresh client id. */
export function aPlaceOrder(overrides: Partial<PlaceOrderRequest> = {}): PlaceOrderRequest {
  n += 1;
  return {
    clientOrderId: `cl-${process.pid}-${n}`,
    symbol: 'BTC/USD',
    side: 'buy',
    type: 'market',
    quantity: '0.1',
    ...overrides,
  };
}
