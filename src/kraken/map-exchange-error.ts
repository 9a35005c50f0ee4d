import { BadResponse, DDoSProtection, ExchangeError, NetworkError, RateLimitExceeded, RequestTimeout } from 'ccxt';
import { describeError, TriplegainError } from '../shared/triplegain-error.ts';

/**
 * Turns what ccxt throws into a `TriplegainError` whose code states retryability:
 *
 * | ccxt | code | retryable |
 * |---|---|---|
 * | `RequestTimeout` | `TIMEOUT` | yes |
 * | `DDoSProtection`, `RateLimitExceeded` (`EAPI:Rate limit exceeded`, HTTP 429) | `EXCHANGE_RATE_LIMITED` | yes |
 * | other `NetworkError`: `ExchangeNotAvailable` (`EService:Unavailable`, 5xx), `OnMaintenance`, connection failures | `EXCHANGE_UNAVAILABLE` | yes |
 * | `BadResponse` (a body that is not what HTTP promised) | `EXCHANGE_UNAVAILABLE` | yes |
 * | other `ExchangeError`: `BadRequest` (`EGeneral:Invalid arguments`), `BadSymbol`, unknown `E…` codes | `EXCHANGE_REJECTED` | no |
 *
 * A `TriplegainError` passes through unchanged; anything else (a bug) is rethrown as is.
 *
 * @param what the call, for the message: `OHLC BTC/USD 1h`.
 */
export function mapExchangeError(err: unknown, what: string): TriplegainError {
  if (err instanceof TriplegainError) return err;
  const details = { call: what, exchangeError: err instanceof Error ? err.constructor.name : typeof err };
  const message = `kraken ${what}: ${describeError(err)}`;
  if (err instanceof RequestTimeout) return new TriplegainError('TIMEOUT', message, details, { cause: err });
  if (err instanceof DDoSProtection || err instanceof RateLimitExceeded) {
    return new TriplegainError('EXCHANGE_RATE_LIMITED', message, details, { cause: err });
  }
  if (err instanceof NetworkError || err instanceof BadResponse)
    return new TriplegainError('EXCHANGE_UNAVAILABLE', message, details, { cause: err });
  if (err instanceof ExchangeError) return new TriplegainError('EXCHANGE_REJECTED', message, details, { cause: err });
  throw err;
}
