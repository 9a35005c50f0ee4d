import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { shippedBookOf } from '../../src/market/instrument-book.ts';
import { checkBalances, valueBalances } from '../../src/live/check-balances.ts';
import { checkClockSkew } from '../../src/live/check-clock-skew.ts';
import { checkOrderValidation } from '../../src/live/check-order-validation.ts';
import type { LiveOutcome } from '../../src/live/live-outcome.ts';
import {
  checkPairListed,
  checkPairMinimum,
  checkPairRules,
  type OrderSizing,
  type PairFacts,
} from '../../src/live/check-pair.ts';
import { TriplegainError } from '../../src/shared/triplegain-error.ts';

const btcUsd = shippedBookOf({ execution: { instruments: {} } }).get('BTC/USD');
const facts = (overrides: Partial<PairFacts> = {}): PairFacts => ({
  symbol: 'BTC/USD',
  listed: { key: 'XXBTZUSD', status: 'online', instrument: btcUsd },
  price: { ok: true, value: '50000' },
  book: btcUsd,
  ...overrides,
});
const sizing = (overrides: Partial<OrderSizing> = {}): OrderSizing => ({
  cashAsset: 'USD',
  minOrderUsd: '10',
  maxOrderNotionalUsd: '10000',
  maxPositionPct: 35,
  equity: new Decimal('10000'),
  ...overrides,
});

describe('live check lines of a pair', () => {
  it('fails a pair Kraken does not list, or lists without taking every order', () => {
    expect(checkPairListed(facts({ listed: undefined }))).toMatchObject({
      status: 'FAIL',
      text: 'Kraken lists no such pair (AssetPairs)',
    });
    expect(
      checkPairListed(facts({ listed: { key: 'XXBTZUSD', status: 'cancel_only', instrument: btcUsd } })),
    ).toMatchObject({ status: 'FAIL', text: expect.stringContaining('XXBTZUSD is cancel_only') });
    expect(checkPairListed(facts())).toMatchObject({ status: 'OK' });
  });

  it("fails when the largest order the config sizes is below Kraken's minimum", () => {
    // ordermin 0.0001 BTC at 50000 is 5 USD; 35 % of 10 USD of equity is 3.50.
    expect(checkPairMinimum(facts(), sizing({ minOrderUsd: '5', equity: new Decimal('10') }))).toMatchObject({
      status: 'FAIL',
      text: expect.stringMatching(
        /^the largest order the config allows, 3.50 USD .* below Kraken's minimum order of 5.00 USD/,
      ),
    });
    expect(checkPairMinimum(facts(), sizing({ minOrderUsd: '5' }))).toMatchObject({ status: 'OK' });
  });

  it("fails rules looser than Kraken's and passes stricter ones", () => {
    const looser = { ...btcUsd, orderMin: '0.00001', tickSize: '0.05', priceDecimals: 2 };
    expect(checkPairRules(facts({ book: looser }))).toMatchObject({
      status: 'FAIL',
      text: expect.stringContaining(
        'orderMin 0.00001 < 0.0001, priceDecimals 2 > 1, tickSize 0.05 is not a multiple of 0.1',
      ),
      fix: expect.stringContaining(
        'execution.instruments."BTC/USD": { krakenPair: XXBTZUSD, priceDecimals: 1, tickSize: "0.1"',
      ),
    });
    expect(checkPairRules(facts({ book: { ...btcUsd, orderMin: '0.001', tickSize: '1' } }))).toMatchObject({
      status: 'OK',
    });
    expect(checkPairRules(facts({ book: undefined }))).toMatchObject({
      status: 'FAIL',
      text: expect.stringContaining('refuses to trade it'),
    });
  });
});

describe('live check lines of the account', () => {
  it('warns when the account holds no cash and names what it cannot value', () => {
    const prices = new Map<string, LiveOutcome<string>>([
      ['BTC', { ok: true, value: '50000' }],
      [
        'DOT',
        {
          ok: false,
          error: new TriplegainError('EXCHANGE_REJECTED', 'kraken Ticker DOT/USD: no Kraken pair for DOT/USD'),
        },
      ],
    ]);
    const valued = valueBalances({ BTC: '0.5', DOT: '3', USD: '0' }, 'USD', prices);
    expect(valued.equity.toFixed()).toBe('25000');
    expect(checkBalances({ ok: true, value: valued }, 'USD')).toEqual([
      expect.objectContaining({
        check: 'balances',
        status: 'WARN',
        text: 'equity 25000.00 USD (BTC 0.5 ≈ 25000.00); not valued: DOT 3 (no USD price on Kraken)',
      }),
      expect.objectContaining({ check: 'cash', status: 'WARN', text: 'no USD in the account: the system cannot buy' }),
    ]);
  });

  it('fails a validate-only AddOrder that came back with a txid: something placed an order', () => {
    const order = {
      symbol: 'BTC/USD',
      side: 'buy' as const,
      type: 'limit' as const,
      quantity: '0.0001',
      limitPrice: '50000.0',
    };
    const placed = { descr: { order: 'buy 0.00010000 XBTUSD @ limit 50000.0' }, txid: ['OUF4EM-FRGI2-MQMWZD'] };
    expect(checkOrderValidation('BTC/USD', { order, answer: { ok: true, value: placed } })).toMatchObject({
      status: 'FAIL',
      text: expect.stringContaining('an order may have been placed'),
    });
    expect(
      checkOrderValidation('BTC/USD', { order, answer: { ok: true, value: { descr: placed.descr } } }),
    ).toMatchObject({ status: 'OK' });
  });
});

describe('live check clock line', () => {
  const reading = (serverMs: number, sentAtMs: number, receivedAtMs: number) => ({
    ok: true as const,
    value: { serverMs, sentAtMs, receivedAtMs },
  });

  it("fails a clock 6 s ahead on a quick answer, but not on one so slow that Kraken's time may be anywhere in it", () => {
    // Kraken said 1 000 000 s (its second's middle at 1 000 000.5 s); ours read 6 s later.
    expect(checkClockSkew(reading(1_000_000_000, 1_000_006_490, 1_000_006_510))).toMatchObject({
      status: 'FAIL',
      text: expect.stringContaining("ahead of Kraken's by 6000 ms (± 510 ms)"),
    });
    // The same midpoint, after a 20 s wait for the limiter: the request may have left 6 s before Kraken's answer.
    expect(checkClockSkew(reading(1_000_000_000, 999_996_500, 1_000_016_500))).toMatchObject({
      status: 'OK',
      text: expect.stringContaining('(± 10500 ms)'),
    });
  });
});
