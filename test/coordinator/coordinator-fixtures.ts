import { CoordinatorConfig } from '../../src/config/sections/coordinator-config.ts';
import { AgentView } from '../../src/coordinator/agent-view.ts';
import type { Conflict } from '../../src/coordinator/conflict.ts';
import { SignalUnderReview } from '../../src/coordinator/signal-under-review.ts';

/** The coordinator's "now" in these tests. */
export const NOW_MS = Date.UTC(2030, 0, 1, 12);

/** The defaults, as booted from an empty config (windows: TA 180 s, regime 900 s, sentiment 3,600 s). */
export const defaultConfig: CoordinatorConfig = CoordinatorConfig.parse({});

/** A BUY that passes the real schema: entry 68600.5, size 5 %, leverage 2. */
export function aSignal(overrides: Partial<SignalUnderReview> = {}): SignalUnderReview {
  return SignalUnderReview.parse({
    signalId: 'sig-1',
    symbol: 'BTC/USD',
    action: 'BUY',
    confidence: 0.7,
    entryPrice: '68600.5',
    stopLoss: '66900',
    takeProfit: '71151.25',
    sizePct: 5,
    leverage: 2,
    ...overrides,
  });
}

/**
 * A view of BTC/USD where every agent agrees with a BUY and every output is one minute old:
 * TA long 0.7, regime trending_bull 0.8, sentiment 0.4 at 0.6. `null` removes an output.
 */
export function aView(overrides: { [K in keyof AgentView]?: AgentView[K] | null } = {}): AgentView {
  const view: Record<string, unknown> = {
    symbol: 'BTC/USD',
    ta: { bias: 'long', confidence: 0.7, tsMs: NOW_MS - 60_000 },
    regime: { regime: 'trending_bull', confidence: 0.8, tsMs: NOW_MS - 60_000 },
    sentiment: { score: 0.4, confidence: 0.6, tsMs: NOW_MS - 60_000 },
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === null) delete view[key];
    else view[key] = value;
  }
  return AgentView.parse(view);
}

export const againstRegime: Conflict = {
  kind: 'against_regime',
  detail: 'BUY in a trending_bear regime (confidence 0.8)',
  between: ['signal', 'regime'],
};
export const taVsSentiment: Conflict = {
  kind: 'ta_vs_sentiment',
  detail: 'TA bias long (confidence 0.7) against sentiment score -0.5 (confidence 0.6)',
  between: ['ta', 'sentiment'],
};
export const confidenceGap: Conflict = {
  kind: 'confidence_gap',
  detail: 'BUY at confidence 0.9 with TA bias long at 0.5: gap 0.4 ≥ 0.2',
  between: ['signal', 'ta'],
};
