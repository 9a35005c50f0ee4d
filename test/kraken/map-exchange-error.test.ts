import {
  BadRequest,
  BadResponse,
  BadSymbol,
  DDoSProtection,
  ExchangeError,
  ExchangeNotAvailable,
  InvalidNonce,
  NetworkError,
  OnMaintenance,
  RateLimitExceeded,
  RequestTimeout,
} from 'ccxt';
import { describe, expect, it } from 'vitest';
import { mapExchangeError } from '../../src/kraken/map-exchange-error.ts';
import { TriplegainError } from '../../src/shared/triplegain-error.ts';

describe('mapExchangeError', () => {
  it.each([
    [new RequestTimeout('kraken GET … request timed out (1000 ms)'), 'TIMEOUT', true],
    [new DDoSProtection('kraken {"error":["EAPI:Rate limit exceeded"]}'), 'EXCHANGE_RATE_LIMITED', true],
    [new RateLimitExceeded('kraken 429'), 'EXCHANGE_RATE_LIMITED', true],
    [new ExchangeNotAvailable('kraken {"error":["EService:Unavailable"]}'), 'EXCHANGE_UNAVAILABLE', true],
    [new OnMaintenance('kraken {"error":["EService:Market in cancel_only mode"]}'), 'EXCHANGE_UNAVAILABLE', true],
    [new InvalidNonce('kraken {"error":["EAPI:Invalid nonce"]}'), 'EXCHANGE_UNAVAILABLE', true],
    [new NetworkError('kraken GET … fetch failed: ECONNREFUSED'), 'EXCHANGE_UNAVAILABLE', true],
    [new BadResponse('kraken returned an empty response'), 'EXCHANGE_UNAVAILABLE', true],
    [new BadRequest('kraken {"error":["EGeneral:Invalid arguments"]}'), 'EXCHANGE_REJECTED', false],
    [new BadSymbol('kraken does not have market symbol FOO/BAR'), 'EXCHANGE_REJECTED', false],
    [new ExchangeError('kraken {"error":["EFoo:Bar"]}'), 'EXCHANGE_REJECTED', false],
  ])('maps %s', (err, code, retryable) => {
    const mapped = mapExchangeError(err, 'OHLC BTC/USD 1h');
    expect(mapped).toMatchObject({
      code,
      retryable,
      details: { call: 'OHLC BTC/USD 1h', exchangeError: err.constructor.name },
    });
    expect(mapped.message).toContain('kraken OHLC BTC/USD 1h: ');
    expect(mapped.cause).toBe(err);
  });

  it('passes a TriplegainError through and rethrows anything else', () => {
    const ours = new TriplegainError('EXCHANGE_RATE_LIMITED', 'limiter');
    expect(mapExchangeError(ours, 'x')).toBe(ours);
    const bug = new TypeError('undefined is not a function');
    expect(() => mapExchangeError(bug, 'x')).toThrow(bug);
  });
});
