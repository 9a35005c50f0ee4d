import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { PortfolioConfig } from '../../src/config/sections/portfolio-config.ts';
import { planRebalance, type RebalanceRequest } from '../../src/portfolio/plan-rebalance.ts';

const defaults = PortfolioConfig.parse({});

/** The default portfolio settings, BTC at 60000 and XRP at 1, no hodl bags. */
function aRequest(overrides: Partial<RebalanceRequest> = {}): RebalanceRequest {
  return {
    balances: { BTC: '0.05555', XRP: '3333', USD: '3334' },
    prices: { BTC: '60000', XRP: '1' },
    targets: defaults.targets,
    cashAsset: 'USD',
    thresholdPct: defaults.rebalanceThresholdPct,
    minTradeUsd: defaults.minTradeUsd,
    hodlBags: {},
    ...overrides,
  };
}

const sum = (values: string[]) => values.reduce((total, v) => total.plus(v), new Decimal(0));

describe('planRebalance', () => {
  it('plans nothing within the threshold', () => {
    const plan = planRebalance(aRequest({ balances: { BTC: '0.06', XRP: '3000', USD: '3400' } }));
    expect(plan).toMatchObject({ equityUsd: '10000', needed: false, sells: [], buys: [] });
    expect(plan.drift.BTC).toEqual({
      valueUsd: '3600',
      currentPct: 36,
      targetPct: 33.33,
      effectiveTargetPct: 33.33,
      driftPct: 2.67,
    });
  });

  it('rebalances from exactly the threshold on', () => {
    const prices = { BTC: '1000', XRP: '1' };
    // BTC at 38.33 % against 33.33 %: 5 points.
    const atThreshold = planRebalance(aRequest({ prices, balances: { BTC: '3.833', XRP: '3000', USD: '3167' } }));
    expect(atThreshold.drift.BTC).toMatchObject({ currentPct: 38.33, driftPct: 5 });
    expect(atThreshold.needed).toBe(true);
    const below = planRebalance(aRequest({ prices, balances: { BTC: '3.8329', XRP: '3000', USD: '3167.1' } }));
    expect(below.drift.BTC?.driftPct).toBe(4.999);
    expect(below).toMatchObject({ needed: false, sells: [], buys: [] });
  });

  it('sells the overweight before buying the underweight, back to the targets', () => {
    const plan = planRebalance(aRequest({ balances: { BTC: '0.1', XRP: '1000', USD: '3000' } }));
    expect(plan.needed).toBe(true);
    expect(plan.drift.BTC).toMatchObject({ currentPct: 60, driftPct: 26.67 });
    expect(plan.sells).toEqual([{ symbol: 'BTC/USD', side: 'sell', quantity: '0.04445', notionalUsd: '2667' }]);
    expect(plan.buys).toEqual([{ symbol: 'XRP/USD', side: 'buy', quantity: '2333', notionalUsd: '2333' }]);
  });

  it('pays for the buys with the cash the sells raise first', () => {
    const plan = planRebalance(aRequest({ balances: { BTC: '0.15', XRP: '1000', USD: '0' } }));
    expect(plan.sells).toEqual([{ symbol: 'BTC/USD', side: 'sell', quantity: '0.09445', notionalUsd: '5667' }]);
    // No cash before the sells: the buy exists only because the sells run before it.
    expect(plan.buys).toEqual([{ symbol: 'XRP/USD', side: 'buy', quantity: '2333', notionalUsd: '2333' }]);
  });

  it('buys with cash when cash is overweight', () => {
    const plan = planRebalance(aRequest({ balances: { USD: '10000' } }));
    expect(plan.sells).toEqual([]);
    expect(plan.buys).toEqual([
      { symbol: 'BTC/USD', side: 'buy', quantity: '0.05555', notionalUsd: '3333' },
      { symbol: 'XRP/USD', side: 'buy', quantity: '3333', notionalUsd: '3333' },
    ]);
  });

  it('never sells a hodl bag, even when it alone is far over target', () => {
    const plan = planRebalance(aRequest({ balances: { BTC: '0.1', USD: '4000' }, hodlBags: { BTC: '0.1' } }));
    expect(plan.sells).toEqual([]);
    // BTC is pinned at its 60 %; XRP and cash share the other 40 % by their targets.
    expect(plan.drift.BTC).toMatchObject({ currentPct: 60, targetPct: 33.33, effectiveTargetPct: 60, driftPct: 0 });
    expect(plan.drift.XRP?.effectiveTargetPct).toBeCloseTo(19.997, 3);
    expect(plan.buys).toEqual([
      { symbol: 'XRP/USD', side: 'buy', quantity: '1999.70001499', notionalUsd: '1999.70001499' },
    ]);
  });

  it('never sells into a hodl bag across many allocations', () => {
    for (const btc of ['0', '0.02', '0.1', '0.5']) {
      for (const xrp of ['0', '1000', '20000']) {
        for (const hodl of ['0.01', '0.05', '0.3']) {
          const plan = planRebalance(
            aRequest({ balances: { BTC: btc, XRP: xrp, USD: '500' }, hodlBags: { BTC: hodl, XRP: '5000' } }),
          );
          for (const trade of plan.sells) {
            const [asset] = trade.symbol.split('/');
            const free =
              asset === 'BTC'
                ? Decimal.max(0, new Decimal(btc).minus(hodl))
                : Decimal.max(0, new Decimal(xrp).minus(5000));
            expect(
              new Decimal(trade.quantity).lte(free),
              `${trade.symbol} ${trade.quantity} with BTC ${btc}, XRP ${xrp}, hodl ${hodl}`,
            ).toBe(true);
          }
        }
      }
    }
  });

  it('sells only the free part when the target would need selling into the hodl bag', () => {
    const plan = planRebalance(
      aRequest({ balances: { BTC: '1' }, prices: { BTC: '10000', XRP: '1' }, hodlBags: { BTC: '0.5' } }),
    );
    expect(plan.sells).toEqual([{ symbol: 'BTC/USD', side: 'sell', quantity: '0.5', notionalUsd: '5000' }]);
    expect(plan.buys.map((b) => b.symbol)).toEqual(['XRP/USD']);
  });

  it('sells down to the target when the hodl bag is smaller than the target', () => {
    const plan = planRebalance(
      aRequest({ balances: { BTC: '1' }, prices: { BTC: '10000', XRP: '1' }, hodlBags: { BTC: '0.2' } }),
    );
    expect(plan.sells).toEqual([{ symbol: 'BTC/USD', side: 'sell', quantity: '0.6667', notionalUsd: '6667' }]);
  });

  it('treats a hodl bag larger than the balance as the whole balance', () => {
    const plan = planRebalance(aRequest({ balances: { BTC: '0.1', USD: '1000' }, hodlBags: { BTC: '5' } }));
    expect(plan.sells).toEqual([]);
  });

  it('never spends a cash hodl bag and keeps buys within the cash available', () => {
    const plan = planRebalance(aRequest({ balances: { USD: '10000' }, hodlBags: { USD: '8000' }, feeBufferPct: 0.5 }));
    // 2000 free cash, 0.5 % held back for fees: 1990 to spend, split by target.
    expect(plan.buys).toEqual([
      { symbol: 'BTC/USD', side: 'buy', quantity: '0.01658333', notionalUsd: '994.9998' },
      { symbol: 'XRP/USD', side: 'buy', quantity: '995', notionalUsd: '995' },
    ]);
    expect(sum(plan.buys.map((b) => b.notionalUsd)).lte(1990)).toBe(true);
  });

  it('limits buys to the cash after the sells when a sell is too small to run', () => {
    // BTC lacks 105; XRP's 5 over target is below the 10 minimum and is not sold, so only the
    // 100 of cash pays for BTC.
    const plan = planRebalance(
      aRequest({
        balances: { BTC: '4.895', XRP: '5005', USD: '100' },
        prices: { BTC: '1000', XRP: '1' },
        targets: { BTC: 50, XRP: 50, USD: 0 },
        thresholdPct: 1,
        feeBufferPct: 0,
      }),
    );
    expect(plan.sells).toEqual([]);
    expect(plan.buys).toEqual([{ symbol: 'BTC/USD', side: 'buy', quantity: '0.1', notionalUsd: '100' }]);
  });

  it('drops every trade below the minimum', () => {
    const request = aRequest({ balances: { BTC: '0.06666', XRP: '3330', USD: '2670' } });
    // BTC sells 666.73 and XRP buys 2.87 to reach the targets.
    const plan = planRebalance(request);
    expect(plan.needed).toBe(true);
    expect(plan.sells).toEqual([{ symbol: 'BTC/USD', side: 'sell', quantity: '0.01111222', notionalUsd: '666.7332' }]);
    expect(plan.buys).toEqual([]);
    expect(planRebalance({ ...request, minTradeUsd: '700' })).toMatchObject({ needed: true, sells: [], buys: [] });
  });

  it('cuts quantities towards zero to the lot decimals', () => {
    const plan = planRebalance(aRequest({ balances: { USD: '10000' }, prices: { BTC: '70000', XRP: '0.6' } }));
    expect(plan.buys).toEqual([
      { symbol: 'BTC/USD', side: 'buy', quantity: '0.04761428', notionalUsd: '3332.9996' },
      { symbol: 'XRP/USD', side: 'buy', quantity: '5555', notionalUsd: '3333' },
    ]);
  });

  it('leaves assets without a target out of equity and of the trades', () => {
    const plan = planRebalance(aRequest({ balances: { BTC: '0.05555', XRP: '3333', USD: '3334', ETH: '100' } }));
    expect(plan).toMatchObject({ equityUsd: '10000', needed: false });
    expect(plan.drift.ETH).toBeUndefined();
  });

  it('sells an asset with a target of 0 down to its hodl bag', () => {
    const plan = planRebalance(
      aRequest({
        balances: { BTC: '0.1', XRP: '1000', USD: '9000' },
        targets: { BTC: 0, XRP: 50, USD: 50 },
        hodlBags: { BTC: '0.01' },
      }),
    );
    expect(plan.sells).toEqual([{ symbol: 'BTC/USD', side: 'sell', quantity: '0.09', notionalUsd: '5400' }]);
  });

  it('plans nothing for an empty account', () => {
    expect(planRebalance(aRequest({ balances: {} }))).toMatchObject({
      equityUsd: '0',
      needed: false,
      sells: [],
      buys: [],
    });
  });

  it('refuses a request without a price, without a cash target, or with targets not summing to 100', () => {
    expect(() => planRebalance(aRequest({ prices: { BTC: '60000' } }))).toThrow(/no price for XRP/);
    expect(() => planRebalance(aRequest({ targets: { BTC: 50, XRP: 50 } }))).toThrow(/cash asset USD needs a target/);
    expect(() => planRebalance(aRequest({ targets: { BTC: 50, XRP: 40, USD: 5 } }))).toThrow(/targets sum to 95/);
    expect(() => planRebalance(aRequest({ balances: { BTC: 0.1 as unknown as string } }))).toThrow();
  });
});
