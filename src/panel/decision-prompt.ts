import { DecisionContext } from './decision-context.ts';
import type { ModelPrompt } from '../llm/model-gateway.ts';

/**
 * The question a decision model is asked about one symbol. Deterministic: the same context
 * gives the same prompt byte for byte (the reply cache is keyed by it), so it holds no time.
 * The gateway appends the reply's JSON schema.
 */
export function buildDecisionPrompt(context: DecisionContext, opts: { maxLeverage: number }): ModelPrompt {
  // Parsed again so that key order, and therefore the prompt, does not depend on the caller.
  const canonical = DecisionContext.parse(context);
  const system = [
    'You are one voter of a trading-decision panel for a crypto account on Kraken.',
    `Decide for ${canonical.symbol}: BUY (open or add to a long), SELL (open a short), HOLD (do nothing) or CLOSE (exit the open position).`,
    'Base the decision on the technical analysis (bias, RSI(14), ATR(14), EMA(21), EMA(50)), the market regime and, when given, the sentiment score (-1 bearish to 1 bullish).',
    'Be conservative: HOLD when the evidence is mixed. confidence is 0 to 1.',
    `sizePct is the share of equity to commit (0 to 100), leverage 1 to ${opts.maxLeverage}.`,
    'Prices are decimal strings such as "68600.5"; entryPrice, stopLoss and takeProfit are null for HOLD and CLOSE.',
  ].join('\n');
  const user = `Market context (JSON):\n${JSON.stringify(canonical)}`;
  return { system, user };
}
