import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Clock } from '../../clock/clock.ts';
import { KrakenTier } from '../../config/sections/execution-config.ts';
import { NonNegativeDecimalString } from '../../model/decimal-string.ts';
import { projectRoot } from '../../shared/project-root.ts';
import { KrakenPermission, TRADING_PERMISSIONS } from './kraken-permissions.ts';

const readData = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(projectRoot, 'data', 'kraken', name), 'utf8')) as Record<string, unknown>;

/** A Kraken asset code as `Balance` answers it: `ZUSD`, `XXBT`, `USDT`, or a Kraken Rewards `XBT.F`. */
const KrakenAsset = z
  .string()
  .regex(/^[A-Z0-9]{2,12}(\.[A-Z]{1,2})?$/, 'expected a Kraken asset code such as ZUSD, XXBT or XBT.F');

/** The stand-in's configuration, checked once when it starts. */
export const KrakenStandInOptions = z
  .object({
    /** The one API key the stand-in accepts, and its base64 secret. */
    apiKey: z.string().min(1),
    apiSecret: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'expected a base64 secret'),
    /** What the key may do (Kraken's names). Default: a trading key without funding. */
    permissions: z.array(KrakenPermission).default([...TRADING_PERMISSIONS]),
    /** The account's verification tier: REST counter, trading counter and open-order limit. */
    tier: KrakenTier.default('starter'),
    /** Whether the account may trade on margin (orders with `leverage`). */
    marginEnabled: z.boolean().default(false),
    /** Starting balances by Kraken asset code, decimal strings (`{ ZUSD: "10000", "XBT.F": "0.1" }`). */
    balances: z.record(KrakenAsset, NonNegativeDecimalString).default({}),
    /** The stand-in's wall time (the outside world's). Default `Date.now()`. */
    clock: z
      .custom<Clock>((v) => typeof (v as Clock | undefined)?.now === 'function', 'expected a clock { now(): number }')
      .optional(),
    /** How far Kraken's clock is ahead of `clock` (negative: behind), for clock-skew rehearsals. */
    timeOffsetMs: z.number().int().default(0),
    /** `AssetPairs` result (key → entry). Default `data/kraken/asset-pairs.json`. */
    assetPairs: z.record(z.string(), z.unknown()).optional(),
    /** `Assets` answer, served as it is. Default `data/kraken/assets.json`. */
    assets: z.record(z.string(), z.unknown()).optional(),
    /** Port on 127.0.0.1; 0 picks a free one. */
    port: z.number().int().min(0).max(65_535).default(0),
    /**
     * How often the timers (dead man's switch) are looked at on their own; 0: only on requests,
     * bars and `tick()` (tests with a manual clock).
     */
    tickIntervalMs: z.number().int().nonnegative().default(1_000),
    /** How long a `timeoutAfterAccept` answer is held before its socket is destroyed. */
    hangMs: z.number().int().positive().default(60_000),
  })
  .strict();
export type KrakenStandInOptions = z.input<typeof KrakenStandInOptions>;

/** The options with the shipped data filled in. */
export type ResolvedStandInOptions = z.output<typeof KrakenStandInOptions> & {
  clock: Clock;
  assetPairs: Record<string, unknown>;
  assets: Record<string, unknown>;
};

/**
 * Parses the options, all violations reported together.
 *
 * @throws ZodError when they do not parse.
 */
export function resolveStandInOptions(input: KrakenStandInOptions): ResolvedStandInOptions {
  const options = KrakenStandInOptions.parse(input);
  return {
    ...options,
    clock: options.clock ?? { now: () => Date.now() },
    assetPairs: options.assetPairs ?? readData('asset-pairs.json'),
    assets: options.assets ?? (readData('assets.json')['result'] as Record<string, unknown>),
  };
}
