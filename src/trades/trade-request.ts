import { Decimal } from '../model/decimal.ts';
import { z } from 'zod';
import { TriplegainError } from '../shared/triplegain-error.ts';

/**
 * An operator's manual trades, as the CLI (`triplegain trade …`) and the control API (`POST
 * /control/trade/open|close|cancel`, JSON bodies) both take them. Amounts are decimal strings,
 * never JSON numbers; percentages are strings too, with or without a trailing `%` ("2%", "2",
 * "0.5%").
 */

const DECIMAL = /^\d+(\.\d+)?$/;

/** A positive decimal amount in the quote asset: "250", "250.50". No exponent, no sign. */
const UsdAmount = z
  .string({ error: 'expected an amount in USD as a decimal string such as "250"' })
  .trim()
  .refine((s) => DECIMAL.test(s) && new Decimal(s).gt(0), {
    error: 'expected a positive decimal amount such as "250" or "99.5" (no sign, no exponent)',
  })
  .refine((s) => !DECIMAL.test(s) || new Decimal(s).decimalPlaces() <= 8, { error: 'at most 8 decimals' });

/** A percentage in (0, max], as a decimal string without its `%`. */
function percent(what: string, max: number, maxInclusive: boolean) {
  const range = `above 0 and ${maxInclusive ? 'at most' : 'below'} ${max}`;
  return z
    .string({ error: `expected ${what} as a percentage such as "2%"` })
    .trim()
    .transform((s) => (s.endsWith('%') ? s.slice(0, -1).trim() : s))
    .refine((s) => DECIMAL.test(s), {
      error: `expected ${what} as a percentage such as "2%" (a number ${range}, no sign)`,
    })
    .refine(
      (s) =>
        DECIMAL.test(s) && new Decimal(s).gt(0) && (maxInclusive ? new Decimal(s).lte(max) : new Decimal(s).lt(max)),
      { error: `${what} must be ${range}` },
    )
    .refine((s) => !DECIMAL.test(s) || new Decimal(s).decimalPlaces() <= 4, { error: 'at most 4 decimals' });
}

/**
 * Makes a repeated request idempotent (a page button pressed twice): the same id names the
 * same proposal (or cancel), which is decided once. Absent: a new id each time.
 */
const RequestId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'expected 8–64 letters, digits, "-" or "_"');

/** Wall time to wait for the outcome, ms; 0 answers as soon as the request is queued. */
const WaitMs = z.number().int().min(0).max(120_000);

/** A pair as written in config: BASE/QUOTE. Whether the cluster trades it is checked against `symbols.pairs`. */
const Pair = z
  .string({ error: 'expected a pair such as "BTC/USD"' })
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9]+\/[A-Z0-9]+$/, 'expected a pair such as "BTC/USD"');

/** `trade open`: buy `usd` worth of `pair` at market, with a stop `stopPct` below the entry and a take profit `takeProfitPct` above it. */
export const OpenTradeRequest = z
  .object({
    pair: Pair,
    usd: UsdAmount,
    /** Stop loss, % below the entry price (the latest stored close). */
    stopPct: percent('the stop', 100, false).optional(),
    /** Take profit, % above the entry price. */
    takeProfitPct: percent('the take profit', 1000, true).optional(),
    requestId: RequestId.optional(),
    waitMs: WaitMs.optional(),
  })
  .strict();
export type OpenTradeRequest = z.output<typeof OpenTradeRequest>;

/** `trade close`: an exit of `pct` % (default all) of one open position, named by its id or its pair (exactly one). */
export const CloseTradeRequest = z
  .object({
    positionId: z.number().int().positive().optional(),
    pair: Pair.optional(),
    pct: percent('the share to close', 100, true).default('100'),
    requestId: RequestId.optional(),
    waitMs: WaitMs.optional(),
  })
  .strict()
  .refine((r) => (r.positionId === undefined) !== (r.pair === undefined), {
    error: 'name the position by exactly one of positionId or pair',
    path: ['positionId'],
  });
export type CloseTradeRequest = z.output<typeof CloseTradeRequest>;

/** `trade cancel`: cancel one working order, by client order id or exchange order id. */
export const CancelTradeRequest = z
  .object({
    order: z
      .string({ error: 'expected the client or exchange order id' })
      .trim()
      .min(1, 'expected the client or exchange order id')
      .max(100),
    requestId: RequestId.optional(),
    waitMs: WaitMs.optional(),
  })
  .strict();
export type CancelTradeRequest = z.output<typeof CancelTradeRequest>;

/**
 * Parses a request, or throws one `INPUT_INVALID` error naming every bad field, e.g.
 * `usd: expected a positive decimal amount such as "250"`; `labels` names the fields as the
 * caller's user knows them (`--usd` on the command line).
 */
export function parseTradeRequest<S extends z.ZodType>(
  schema: S,
  input: unknown,
  labels: Readonly<Record<string, string>> = {},
): z.output<S> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => {
    const field = i.path.join('.');
    return field === '' ? i.message : `${labels[field] ?? field}: ${i.message}`;
  });
  throw new TriplegainError('INPUT_INVALID', issues.join('; '), { issues: parsed.error.issues });
}
