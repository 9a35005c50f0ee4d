import { Decimal } from '../model/decimal.ts';

/** Digits of a stored cost: `llm_calls.cost_usd` is `numeric(38, 18)`. */
const COST_DECIMALS = 18;

/**
 * What a call cost, USD, as a decimal string: input tokens × input price + output tokens ×
 * output price, prices per million tokens (`llm.providers.*.{input,output}UsdPerMTok`).
 * Decimal arithmetic throughout; a config price such as 0.28 enters as the string "0.28".
 */
export function llmCostUsd(
  tokens: { inputTokens: number; outputTokens: number },
  prices: { inputUsdPerMTok: number; outputUsdPerMTok: number },
): string {
  const input = new Decimal(tokens.inputTokens).times(String(prices.inputUsdPerMTok));
  const output = new Decimal(tokens.outputTokens).times(String(prices.outputUsdPerMTok));
  return input.plus(output).dividedBy(1_000_000).toDecimalPlaces(COST_DECIMALS, Decimal.ROUND_HALF_UP).toFixed();
}
