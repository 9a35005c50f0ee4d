import { z } from 'zod';
import { TradeAction } from '../bus/messages/trading-signal-emitted.ts';
import { DecimalString } from '../model/decimal-string.ts';

/** The most leverage any decision may ask for (Kraken's spot margin maximum, `risk.maxLeverage` ≤ 5). */
export const MAX_DECISION_LEVERAGE = 5;

/**
 * The reply every decision model must produce (the rules model included), for leverage at
 * most `maxLeverage` (`risk.maxLeverage`). Unknown keys are dropped, not refused: a model
 * that adds a field has still answered.
 *
 * Prices are decimal strings (or null for HOLD and CLOSE); the panel does not trade on a
 * model's prices but derives entry, stop-loss and take-profit from market data in code.
 */
export function createTradeDecisionSchema(maxLeverage: number = MAX_DECISION_LEVERAGE) {
  return z.object({
    action: TradeAction.describe(
      'BUY opens or adds to a long, SELL opens a short, HOLD does nothing, CLOSE exits the position',
    ),
    confidence: z.number().min(0).max(1).describe('How sure the model is of the action, 0 to 1'),
    entryPrice: DecimalString.nullable().describe('Entry price as a decimal string, null for HOLD and CLOSE'),
    stopLoss: DecimalString.nullable().describe('Stop-loss price as a decimal string, null for HOLD and CLOSE'),
    takeProfit: DecimalString.nullable().describe('Take-profit price as a decimal string, null for HOLD and CLOSE'),
    sizePct: z.number().min(0).max(100).describe('Share of equity to commit, 0 to 100'),
    leverage: z
      .number()
      .min(1)
      .max(Math.min(maxLeverage, MAX_DECISION_LEVERAGE))
      .describe(`Leverage, 1 to ${Math.min(maxLeverage, MAX_DECISION_LEVERAGE)}`),
    reasoning: z.string().min(1).max(4_000).describe('One or two sentences on why'),
  });
}

/** A trading decision of one model for one symbol (leverage up to the absolute maximum, 5). */
export const TradeDecision = createTradeDecisionSchema();
export type TradeDecision = z.infer<typeof TradeDecision>;
