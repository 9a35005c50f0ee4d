import { z } from 'zod';
import type { KrakenTier } from '../config/sections/execution-config.ts';
import { KRAKEN_TIER_LIMITS } from '../kraken/kraken-rate-limiter.ts';
import { DecimalString } from '../model/decimal-string.ts';
import { krakenFailure } from './kraken-failure.ts';
import { fail, ok, warn, type LiveCheckLine } from './live-check-line.ts';
import type { LiveOutcome } from './live-outcome.ts';

/** One pair's fee, % of the order's cost. */
const FeeTier = z.looseObject({ fee: DecimalString });

/**
 * `TradeVolume`'s answer (https://docs.kraken.com/api-reference/account-data/get-trade-volume):
 * the 30-day volume in `currency` (USD) and, per requested pair key, the taker fee in `fees`
 * and the maker fee in `fees_maker` (absent for a pair without a maker/taker schedule).
 */
export const KrakenTradeVolume = z.looseObject({
  currency: z.string(),
  volume: DecimalString,
  fees: z.record(z.string(), FeeTier).nullish(),
  fees_maker: z.record(z.string(), FeeTier).nullish(),
});
export type KrakenTradeVolume = z.infer<typeof KrakenTradeVolume>;

/**
 * The configured tier. Kraken's API does not report an account's verification tier, so the
 * line says what the config assumes (it sets the modelled rate limits) for the user to compare.
 */
export function checkTier(tier: KrakenTier): LiveCheckLine {
  const limits = KRAKEN_TIER_LIMITS[tier];
  return ok(
    'tier',
    `execution.kraken.tier ${tier} (API counter ${limits.maxCounter}, decay ${limits.decayPerSec}/s); Kraken's API does not report the account's tier: compare it with Settings → Account on kraken.com`,
  );
}

/** The fee schedule of each configured pair and the 30-day volume that sets it. */
export function checkFees(
  answer: LiveOutcome<Record<string, unknown>>,
  pairs: readonly { symbol: string; key: string }[],
): LiveCheckLine {
  if (!answer.ok) {
    const failure = krakenFailure(answer.error);
    return fail('fees', `TradeVolume failed: ${failure.text}`, failure.fix);
  }
  const parsed = KrakenTradeVolume.safeParse(answer.value);
  if (!parsed.success)
    return fail(
      'fees',
      'TradeVolume answered in an unexpected shape',
      'run the check again; Kraken may have changed the answer',
    );
  const volume = parsed.data;
  const missing: string[] = [];
  const schedules: string[] = [];
  for (const { symbol, key } of pairs) {
    const taker = volume.fees?.[key];
    if (!taker) {
      missing.push(symbol);
      continue;
    }
    const maker = volume.fees_maker?.[key];
    schedules.push(`${symbol} taker ${taker.fee}%${maker ? ` maker ${maker.fee}%` : ''}`);
  }
  const text = `30-day volume ${volume.volume} ${volume.currency}${schedules.length > 0 ? `; ${schedules.join(', ')}` : ''}`;
  if (missing.length > 0)
    return warn(
      'fees',
      `${text}; no fee for ${missing.join(', ')}`,
      'check the fee schedule of these pairs on kraken.com (Fees)',
    );
  return ok('fees', text);
}
