import { z } from 'zod';
import type { ExecutionConfig } from '../config/sections/execution-config.ts';
import { krakenFailure } from './kraken-failure.ts';
import { fail, ok, type LiveCheckLine } from './live-check-line.ts';
import type { LiveOutcome } from './live-outcome.ts';

/**
 * `GetApiKeyInfo`'s answer, the part read here: the codes of the rights the key was given
 * (https://docs.kraken.com/api-reference/account-data/get-api-key-info). The answer also holds
 * the key itself and the account's IBAN: neither is ever printed.
 */
export const KrakenApiKeyInfo = z.looseObject({ permissions: z.array(z.string()) });
export type KrakenApiKeyInfo = z.infer<typeof KrakenApiKeyInfo>;

/**
 * The rights this system needs, by `GetApiKeyInfo` code, with the names Kraken's key form
 * gives them (https://docs.kraken.com/exchange/guides/rest/api-keys): balances, the orders it
 * reconciles (open and closed), placing orders, cancelling them (the dead man's switch too).
 */
export const REQUIRED_KEY_PERMISSIONS: Readonly<Record<string, string>> = {
  'query-funds': 'Query Funds',
  'query-open-trades': 'Query Open Orders & Trades',
  'query-closed-trades': 'Query Closed Orders & Trades',
  'modify-trades': 'Create & Modify Orders',
  'close-trades': 'Cancel/Close Orders',
};

/** Rights a trading key must not have: a leaked key could move the funds out of the account. */
export const REFUSED_KEY_PERMISSIONS: Readonly<Record<string, string>> = {
  'withdraw-funds': 'Withdraw Funds',
};

const KEY_FORM = 'create a key under Settings → API on kraken.com';
const NEEDED = Object.values(REQUIRED_KEY_PERMISSIONS).join(', ');

/** A line when `execution.kraken` has no credentials (the check stops there), else null. */
export function checkKeysConfigured(
  kraken: Pick<ExecutionConfig['kraken'], 'apiKey' | 'apiSecret'>,
): LiveCheckLine | null {
  const missing = [kraken.apiKey ? null : 'KRAKEN_API_KEY', kraken.apiSecret ? null : 'KRAKEN_API_SECRET'].filter(
    (name) => name !== null,
  );
  if (missing.length === 0) return null;
  return fail(
    'keys',
    `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set`,
    `${KEY_FORM} with ${NEEDED} (not Withdraw Funds), then export KRAKEN_API_KEY=<key> and KRAKEN_API_SECRET=<private key> in the environment triplegain runs in`,
  );
}

/** The key's rights: every required one present, none refused. */
export function checkKeyPermissions(answer: LiveOutcome<Record<string, unknown>>): LiveCheckLine {
  if (!answer.ok) {
    const failure = krakenFailure(answer.error);
    return fail('permissions', `GetApiKeyInfo failed: ${failure.text}`, failure.fix);
  }
  const info = KrakenApiKeyInfo.safeParse(answer.value);
  if (!info.success)
    return fail(
      'permissions',
      'GetApiKeyInfo answered without a list of permissions',
      'run the check again; Kraken may have changed the answer',
    );
  const granted = new Set(info.data.permissions);
  const refused = Object.entries(REFUSED_KEY_PERMISSIONS).filter(([code]) => granted.has(code));
  if (refused.length > 0) {
    return fail(
      'permissions',
      `the key has ${refused.map(([, name]) => name).join(', ')}: whoever obtains it could take the funds out of the account`,
      `${KEY_FORM} without ${refused.map(([, name]) => name).join(', ')} (with ${NEEDED}), set it in KRAKEN_API_KEY / KRAKEN_API_SECRET and delete this one`,
    );
  }
  const missing = Object.entries(REQUIRED_KEY_PERMISSIONS).filter(([code]) => !granted.has(code));
  if (missing.length > 0) {
    return fail(
      'permissions',
      `the key lacks ${missing.map(([, name]) => name).join(', ')}`,
      `edit the key under Settings → API on kraken.com and tick ${missing.map(([, name]) => name).join(', ')}`,
    );
  }
  return ok('permissions', `${NEEDED}; no Withdraw Funds`);
}
