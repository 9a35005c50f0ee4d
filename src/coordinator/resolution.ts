import { Decimal } from '../model/decimal.ts';
import { z } from 'zod';
import { DecimalString, PositiveDecimalString } from '../model/decimal-string.ts';
import type { Conflict } from './conflict.ts';
import type { SignalUnderReview } from './signal-under-review.ts';

/**
 * What to do with a conflicted signal: `proceed` as it is, `wait` (not now: nothing is sent,
 * a later signal decides), `modify` (proceed smaller, with at most as much leverage, at a
 * bounded entry), `abort` (drop the signal).
 */
export const ResolutionAction = z.enum(['proceed', 'wait', 'modify', 'abort']);
export type ResolutionAction = z.infer<typeof ResolutionAction>;

/** `source` of a `wait` forced by a failure (no answer, invalid answer, action not allowed). */
export const FALLBACK_WAIT_SOURCE = 'fallback_wait';

/** Longest reasoning kept; a model's longer text is cut. */
const MAX_REASONING_CHARS = 1_000;

/** A price: a decimal string above zero (the market price, a bounded entry). */
/** A price above zero. */
export const PositivePrice = PositiveDecimalString;

/** Who decided: `<provider>/<model>` of the model that answered, `rules`, or `fallback_wait`. */
const source = z.string().min(1);
const reasoning = z.string().max(MAX_REASONING_CHARS + 1);

/**
 * The coordinator's decision on a conflicted signal. Every number of a `modify` fits
 * `OrderProposal` (sizePct 0–100, leverage 1–5, entryPrice a positive decimal string); the
 * tighter bounds (leverage at most the signal's and `risk.maxLeverage`, entry near the market)
 * are enforced by `boundResolution`.
 */
export const Resolution = z.discriminatedUnion('action', [
  z.object({ action: z.enum(['proceed', 'wait', 'abort']), reasoning, source }).strict(),
  z
    .object({
      action: z.literal('modify'),
      /** How much of the signal's size is cut, %: 0 keeps it, 100 leaves nothing. */
      sizeCutPct: z.number().min(0).max(100),
      /** The size after the cut, % of equity: `signal.sizePct × (100 − sizeCutPct) / 100`, 2 decimals down. */
      sizePct: z.number().min(0).max(100),
      /** At least 1, at most min(signal leverage, `risk.maxLeverage`). */
      leverage: z.number().min(1).max(5),
      /** Within ±`coordinator.resolver.maxEntryDistancePct` of the market price. */
      entryPrice: PositivePrice,
      reasoning,
      source,
    })
    .strict(),
]);
export type Resolution = z.infer<typeof Resolution>;

/**
 * The reply a resolver model must produce. Deliberately permissive about numbers (any finite
 * number, null for "not given", a price as a decimal string or a JSON number): the bounds are
 * enforced by `boundResolution`, which caps what is out of range instead of refusing it, so
 * that a slightly-off `modify` is still a bounded `modify`. The action must be one of the four
 * words; unknown keys are dropped; a missing reasoning is allowed.
 */
export const ResolverReply = z.object({
  action: ResolutionAction.describe(
    'proceed: trade the signal as it is; wait: do nothing now; modify: trade it smaller, see the other fields; abort: drop the signal. Only the actions listed as allowed may be chosen.',
  ),
  sizeCutPct: z
    .number()
    .nullish()
    .describe('modify only: cut the signal size by this percentage, 0 to 100 (0 keeps the size, 100 leaves nothing)'),
  leverage: z.number().nullish().describe("modify only: leverage, at least 1 and at most the signal's leverage"),
  entryPrice: z
    .union([DecimalString, z.number()])
    .nullish()
    .describe('modify only: entry price as a decimal string, within the allowed distance of the market price'),
  reasoning: z.string().optional().describe('One or two sentences on why'),
});
export type ResolverReply = z.infer<typeof ResolverReply>;

/**
 * The actions code allows for a signal with these conflicts; the resolver (model or rules)
 * chooses among them, and anything else becomes `wait`. `wait` is always allowed: it is what
 * every failure means.
 *
 * - HOLD: `wait` only (a HOLD is recorded and not routed: there is nothing to resolve);
 * - no conflict: `proceed`, `wait` (the resolver is not asked: `resolveConflict` proceeds);
 * - CLOSE: `proceed`, `wait`: an exit only reduces exposure, so it is never aborted and never
 *   modified (a modify only cuts size, leverage and moves an entry, which an exit has not);
 * - BUY, SELL: `proceed`, `wait`, `abort`, and `modify` when there is a size to cut
 *   (`sizePct` > 0). A modify can only make the trade smaller or less leveraged.
 */
export function allowedActions(
  signal: Pick<SignalUnderReview, 'action' | 'sizePct'>,
  conflicts: readonly Conflict[],
): readonly ResolutionAction[] {
  if (signal.action === 'HOLD') return ['wait'];
  if (conflicts.length === 0 || signal.action === 'CLOSE') return ['proceed', 'wait'];
  return signal.sizePct > 0 ? ['proceed', 'wait', 'modify', 'abort'] : ['proceed', 'wait', 'abort'];
}

/** What a reply is bounded by. */
export interface ResolutionBounds {
  /** From `allowedActions`; any other action becomes `wait`. */
  allowed: readonly ResolutionAction[];
  /** `risk.maxLeverage`. */
  maxLeverage: number;
  /** `coordinator.resolver.maxEntryDistancePct`, %. */
  maxEntryDistancePct: number;
  /** The symbol's current price, a positive decimal string. */
  marketPrice: string;
}

/** A `wait` forced by a failure, with why. */
export function fallbackWait(why: string): Resolution {
  return { action: 'wait', reasoning: cut(why), source: FALLBACK_WAIT_SOURCE };
}

/** Decimals of a bounded entry price (Kraken's finest price precision). */
const PRICE_DECIMALS = 8;

/**
 * Turns a resolver's reply (anything: it is validated here against `ResolverReply`) into a
 * `Resolution` that code may act on. Never throws for the reply's content.
 *
 * - Not a valid reply, or an action outside `bounds.allowed` → `wait` with source
 *   `fallback_wait` and the reason.
 * - `proceed`, `wait`, `abort` → as answered, with `source`.
 * - `modify` → each value is clamped into its bounds, never refused (a field not given keeps
 *   the signal's value):
 *   - `sizeCutPct` into [0, 100], 2 decimals (a negative cut would grow the trade: it becomes 0;
 *     1e308 becomes 100, which leaves size 0, and risk denies an empty order);
 *   - `leverage` into [1, min(signal.leverage, maxLeverage)], 2 decimals down;
 *   - `entryPrice` (default the signal's entry, else the market) into
 *     [market × (1 − d/100), market × (1 + d/100)] with d = `maxEntryDistancePct`, rounded to
 *     8 decimals toward the market; a far price becomes the nearest edge.
 *
 * The result is checked against `Resolution` last; should that ever fail, it is `wait`.
 *
 * @throws ZodError when `bounds.marketPrice` is not a positive decimal string (a caller's bug).
 */
export function boundResolution(
  reply: unknown,
  signal: Pick<SignalUnderReview, 'action' | 'sizePct' | 'leverage' | 'entryPrice'>,
  bounds: ResolutionBounds,
  replySource: string,
): Resolution {
  const market = new Decimal(PositivePrice.parse(bounds.marketPrice));
  const parsed = ResolverReply.safeParse(reply);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(reply)'}: ${i.message}`);
    return fallbackWait(`${replySource} gave an invalid reply: ${issues.join('; ')}`);
  }
  const answer = parsed.data;
  if (!bounds.allowed.includes(answer.action)) {
    return fallbackWait(
      `${replySource} answered ${answer.action}, which is not allowed here (allowed: ${bounds.allowed.join(', ')})`,
    );
  }
  const why = cut(answer.reasoning?.trim() || '(no reasoning given)');
  if (answer.action !== 'modify') return checked({ action: answer.action, reasoning: why, source: replySource });

  const sizeCutPct = new Decimal(clamp(answer.sizeCutPct ?? 0, 0, 100)).toDecimalPlaces(2).toNumber();
  const sizePct = new Decimal(signal.sizePct)
    .times(100 - sizeCutPct)
    .div(100)
    .toDecimalPlaces(2, Decimal.ROUND_DOWN)
    .toNumber();
  const leverageCap = Math.max(1, Math.min(signal.leverage, bounds.maxLeverage));
  const leverage = Math.max(
    1,
    new Decimal(clamp(answer.leverage ?? signal.leverage, 1, leverageCap))
      .toDecimalPlaces(2, Decimal.ROUND_DOWN)
      .toNumber(),
  );

  const distance = new Decimal(bounds.maxEntryDistancePct).div(100);
  const low = market.times(new Decimal(1).minus(distance));
  const high = market.times(new Decimal(1).plus(distance));
  const asked = answer.entryPrice ?? signal.entryPrice ?? bounds.marketPrice;
  let entry = Decimal.min(high, Decimal.max(low, new Decimal(typeof asked === 'number' ? String(asked) : asked)));
  entry = entry.toDecimalPlaces(PRICE_DECIMALS, entry.lt(market) ? Decimal.ROUND_UP : Decimal.ROUND_DOWN);
  // Only a market price finer than 8 decimals with a zero distance can round past an edge.
  entry = Decimal.min(high, Decimal.max(low, entry));

  return checked({
    action: 'modify',
    sizeCutPct,
    sizePct,
    leverage,
    entryPrice: entry.toFixed(),
    reasoning: why,
    source: replySource,
  });
}

function checked(resolution: Resolution): Resolution {
  const result = Resolution.safeParse(resolution);
  return result.success
    ? result.data
    : fallbackWait(
        `the bounded resolution failed its own check: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function cut(text: string): string {
  return text.length > MAX_REASONING_CHARS ? `${text.slice(0, MAX_REASONING_CHARS)}…` : text;
}
