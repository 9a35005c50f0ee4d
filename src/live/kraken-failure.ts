import type { TriplegainError } from '../shared/triplegain-error.ts';

/** What a failed request to Kraken says, and what to do about it. */
export interface KrakenFailure {
  text: string;
  fix: string;
}

/**
 * The reading of a failed request: Kraken's credential errors (docs.kraken.com, "Error
 * messages") name their fix; anything else says what failed and to run the check again.
 */
export function krakenFailure(error: TriplegainError): KrakenFailure {
  const code = error.details['krakenError'];
  switch (code) {
    case 'EAPI:Invalid key':
      return {
        text: 'Kraken does not know this API key (EAPI:Invalid key)',
        fix: 'set KRAKEN_API_KEY to the key shown under Settings → API on kraken.com',
      };
    case 'EAPI:Invalid signature':
      return {
        text: 'Kraken refused the signature (EAPI:Invalid signature)',
        fix: 'set KRAKEN_API_SECRET to the private key Kraken showed when the key was created (base64, unchanged)',
      };
    case 'EAPI:Invalid nonce':
      return { text: 'Kraken refused the nonce (EAPI:Invalid nonce)', fix: 'see the nonce line' };
    case 'EGeneral:Permission denied':
      return { text: 'the key may not do this (EGeneral:Permission denied)', fix: 'see the permissions line' };
    default:
      return {
        text: error.message,
        fix: error.retryable ? 'Kraken or the network failed: run the check again' : 'read the error above',
      };
  }
}
