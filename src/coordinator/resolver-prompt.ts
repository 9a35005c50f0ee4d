import type { ModelPrompt } from '../llm/model-gateway.ts';
import type { Conflict } from './conflict.ts';
import type { FreshOutputs } from './fresh-outputs.ts';
import type { ResolutionAction } from './resolution.ts';
import type { SignalUnderReview } from './signal-under-review.ts';

export interface ResolverPromptInput {
  signal: SignalUnderReview;
  conflicts: readonly Conflict[];
  /** Only the fresh outputs for the signal's symbol. */
  outputs: FreshOutputs;
  allowed: readonly ResolutionAction[];
  marketPrice: string;
  /** min(signal leverage, `risk.maxLeverage`). */
  leverageCap: number;
  maxEntryDistancePct: number;
}

/**
 * The question a resolver model is asked about one conflicted signal. Deterministic: the
 * same input gives the same prompt byte for byte (the reply cache is keyed by it), so it holds
 * no time. Every text in it is written by code (conflict details, enum values, numbers), none
 * by a model or a feed. The gateway appends the reply's JSON schema.
 *
 * The bounds are stated for the model's sake only; `boundResolution` enforces them whatever
 * it answers.
 */
export function buildResolverPrompt(input: ResolverPromptInput): ModelPrompt {
  const { signal, outputs } = input;
  const system = [
    'You resolve conflicts between a trading signal and the analysis of the same market, for a crypto trading system.',
    `Choose exactly one action among the allowed ones: ${input.allowed.join(', ')}.`,
    'proceed: trade the signal as it is. wait: do nothing now, a later signal decides. abort: drop the signal. modify: trade it smaller or with less leverage.',
    `For modify: sizeCutPct 0 to 100 (percentage of the size removed), leverage 1 to ${input.leverageCap}, entryPrice within ${input.maxEntryDistancePct} % of the market price ${input.marketPrice}; omit a field to keep the signal's value.`,
    'When the evidence is unclear, prefer wait. reasoning is one or two sentences on why.',
  ].join('\n');

  const lines = [
    `Signal ${signal.signalId} for ${signal.symbol}: ${signal.action} at confidence ${signal.confidence}, entry ${signal.entryPrice ?? 'none'}, stop-loss ${signal.stopLoss ?? 'none'}, take-profit ${signal.takeProfit ?? 'none'}, size ${signal.sizePct} % of equity, leverage ${signal.leverage}.`,
    `Market price: ${input.marketPrice}.`,
    'Analysis:',
    outputs.ta
      ? `- technical analysis: bias ${outputs.ta.bias}, confidence ${outputs.ta.confidence}`
      : '- technical analysis: none',
    outputs.regime ? `- regime: ${outputs.regime.regime}, confidence ${outputs.regime.confidence}` : '- regime: none',
    outputs.sentiment
      ? `- sentiment: score ${outputs.sentiment.score} (-1 bearish to 1 bullish), confidence ${outputs.sentiment.confidence}`
      : '- sentiment: none',
    'Conflicts:',
    ...input.conflicts.map((c) => `- ${c.kind}: ${c.detail}`),
  ];
  return { system, user: lines.join('\n') };
}
