import { z } from 'zod';
import { TradeAction } from '../bus/messages/trading-signal-emitted.ts';
import { Decimal } from '../model/decimal.ts';
import { PositiveDecimalString } from '../model/decimal-string.ts';

/** A price a strategy names: a positive decimal string, or a finite positive number taken at its shortest exact digits. */
const Price = z.union([
  PositiveDecimalString,
  z
    .number()
    .finite()
    .positive()
    .transform((n) => new Decimal(n).toFixed()),
]);

/**
 * A strategy's answer for one pair and bar.
 *
 * - `action`: `BUY` enters or adds to a long; `SELL` exits a long (on spot; with
 *   `execution.margin` and no long it opens a short); `CLOSE` exits whatever is held; `HOLD`
 *   does nothing.
 * - `confidence`: 0–1, the weight of the vote in the panel and the scale of the default size.
 * - `stopLoss`, `takeProfit`: the protective levels of an entry, on the right side of the
 *   bar's close (below and above it for a BUY). Both or neither; without them the panel places
 *   `llm.rules.stopLossAtr` / `takeProfitAtr` ATRs away, as for every model. Only for BUY and SELL.
 * - `sizePct`: % of equity for an entry; default `llm.rules.maxSizePct` × confidence. Risk caps it.
 * - `reasoning`: shown by `explain`.
 *
 * Unknown keys are refused: a misspelt `stoploss` must not quietly become "no stop".
 */
export const StrategyVote = z
  .object({
    action: TradeAction,
    confidence: z.number().min(0).max(1),
    stopLoss: Price.optional(),
    takeProfit: Price.optional(),
    sizePct: z.number().min(0).max(100).optional(),
    reasoning: z.string().max(4_000).optional(),
  })
  .strict()
  .superRefine((vote, ctx) => {
    const entry = vote.action === 'BUY' || vote.action === 'SELL';
    if (!entry && (vote.stopLoss !== undefined || vote.takeProfit !== undefined || vote.sizePct !== undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['action'],
        message: `${vote.action} takes no stopLoss, takeProfit or sizePct`,
      });
    if ((vote.stopLoss === undefined) !== (vote.takeProfit === undefined))
      ctx.addIssue({ code: 'custom', path: ['stopLoss'], message: 'give both stopLoss and takeProfit, or neither' });
  });
export type StrategyVote = z.input<typeof StrategyVote>;
export type ParsedStrategyVote = z.output<typeof StrategyVote>;

/**
 * Checks a vote's protective levels against the price it enters at: for a BUY the stop below
 * and the target above, for a SELL the other way round.
 *
 * @returns what is wrong, or undefined when the levels are placeable (or absent).
 */
export function misplacedLevels(vote: ParsedStrategyVote, price: string): string | undefined {
  if (vote.stopLoss === undefined || vote.takeProfit === undefined) return undefined;
  if (vote.action !== 'BUY' && vote.action !== 'SELL') return undefined;
  const entry = new Decimal(price);
  const stop = new Decimal(vote.stopLoss);
  const target = new Decimal(vote.takeProfit);
  if (vote.action === 'BUY' && !(stop.lt(entry) && target.gt(entry)))
    return `a BUY at ${price} needs stopLoss below and takeProfit above it (got ${vote.stopLoss} and ${vote.takeProfit})`;
  if (vote.action === 'SELL' && !(stop.gt(entry) && target.lt(entry)))
    return `a SELL at ${price} needs stopLoss above and takeProfit below it (got ${vote.stopLoss} and ${vote.takeProfit})`;
  return undefined;
}
