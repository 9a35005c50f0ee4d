import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { PortfolioConfig } from '../../src/config/sections/portfolio-config.ts';
import { planRebalance } from '../../src/portfolio/plan-rebalance.ts';
import type { RebalanceTrade } from '../../src/portfolio/rebalance-trade.ts';
import { splitIntoBatches } from '../../src/portfolio/split-into-batches.ts';

const dca = PortfolioConfig.parse({}).dca;
const sell = (symbol: string, quantity: string, notionalUsd: string): RebalanceTrade => ({
  symbol,
  side: 'sell',
  quantity,
  notionalUsd,
});
const buy = (symbol: string, quantity: string, notionalUsd: string): RebalanceTrade => ({
  symbol,
  side: 'buy',
  quantity,
  notionalUsd,
});
const D = Decimal.clone({ precision: 60 });
const total = (trades: RebalanceTrade[], pick: (t: RebalanceTrade) => string) =>
  trades.reduce((sum, t) => sum.plus(pick(t)), new D(0)).toFixed();

describe('splitIntoBatches', () => {
  it('gives no batch for an empty plan', () => {
    expect(splitIntoBatches({ sells: [], buys: [] }, dca)).toEqual([]);
  });

  it('runs a rebalance up to aboveUsd as one batch now', () => {
    const plan = { sells: [sell('BTC/USD', '0.005', '300')], buys: [buy('XRP/USD', '700', '700')] };
    expect(splitIntoBatches(plan, dca)).toEqual([{ index: 0, delayMs: 0, sells: plan.sells, buys: plan.buys }]);
  });

  it('splits a larger rebalance into delayed batches, sells before buys in each', () => {
    const plan = {
      sells: [sell('BTC/USD', '0.1', '6000.01')],
      buys: [buy('XRP/USD', '1000', '600'), buy('ETH/USD', '1', '3000')],
    };
    const batches = splitIntoBatches(plan, { aboveUsd: '1000', batches: 3, intervalMs: 3_600_000 });
    expect(batches.map((b) => [b.index, b.delayMs])).toEqual([
      [0, 0],
      [1, 3_600_000],
      [2, 7_200_000],
    ]);
    expect(batches[0]).toEqual({
      index: 0,
      delayMs: 0,
      sells: [sell('BTC/USD', '0.03333333', '2000.003133333')],
      buys: [buy('XRP/USD', '333.33333333', '199.999999998'), buy('ETH/USD', '0.33333333', '999.99999')],
    });
    expect(batches[2]?.sells).toEqual([sell('BTC/USD', '0.03333334', '2000.003733334')]);
  });

  it('sums every trade exactly to the plan across batches', () => {
    const plan = planRebalance({
      balances: { BTC: '0.3', XRP: '1234.5678', USD: '777.77' },
      prices: { BTC: '68600.12345678', XRP: '0.61234567' },
      targets: { BTC: 33.33, XRP: 33.33, USD: 33.34 },
      cashAsset: 'USD',
      thresholdPct: 5,
      minTradeUsd: '10',
    });
    expect(plan.sells.length + plan.buys.length).toBeGreaterThan(1);
    const batches = splitIntoBatches(plan, { aboveUsd: '1000', batches: 7, intervalMs: 60_000 });
    expect(batches).toHaveLength(7);
    for (const planned of [...plan.sells, ...plan.buys]) {
      const slices = batches
        .flatMap((b) => [...b.sells, ...b.buys])
        .filter((t) => t.symbol === planned.symbol && t.side === planned.side);
      expect(slices).toHaveLength(7);
      expect(total(slices, (t) => t.quantity)).toBe(new D(planned.quantity).toFixed());
      expect(total(slices, (t) => t.notionalUsd)).toBe(new D(planned.notionalUsd).toFixed());
    }
  });

  it('keeps a trade whole when its slices would be below the minimum: sells first, buys last', () => {
    const plan = {
      sells: [sell('BTC/USD', '0.1', '6000'), sell('XRP/USD', '20', '20')],
      buys: [buy('ETH/USD', '0.01', '30'), buy('SOL/USD', '40', '5970')],
    };
    const batches = splitIntoBatches(plan, dca, { minTradeUsd: '10' });
    expect(batches).toHaveLength(4);
    expect(batches[0]?.sells.map((t) => [t.symbol, t.notionalUsd])).toEqual([
      ['BTC/USD', '1500'],
      ['XRP/USD', '20'],
    ]);
    expect(batches[3]?.buys.map((t) => [t.symbol, t.notionalUsd])).toEqual([
      ['ETH/USD', '30'],
      ['SOL/USD', '1492.5'],
    ]);
    expect(batches[1]?.sells.map((t) => t.symbol)).toEqual(['BTC/USD']);
  });

  it('keeps a trade whole when a slice would have no quantity at the lot decimals', () => {
    const plan = { sells: [sell('BTC/USD', '0.00000003', '2000')], buys: [] };
    expect(splitIntoBatches(plan, dca)).toEqual([{ index: 0, delayMs: 0, sells: plan.sells, buys: [] }]);
  });

  it('omits batches left without trades but keeps the others’ delays', () => {
    const plan = { sells: [sell('BTC/USD', '0.00000003', '1000')], buys: [buy('XRP/USD', '0.00000003', '1000')] };
    expect(splitIntoBatches(plan, dca).map((b) => [b.index, b.delayMs, b.sells.length, b.buys.length])).toEqual([
      [0, 0, 1, 0],
      [3, 3 * dca.intervalMs, 0, 1],
    ]);
  });
});
