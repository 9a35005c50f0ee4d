import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TaIndicators } from '../../src/agents/ta/contract/ta-signal-emitted.ts';
import { LlmConfig } from '../../src/config/sections/llm-config.ts';
import { MarketRegime } from '../../src/model/market-regime.ts';
import type { DecisionContext } from '../../src/panel/decision-context.ts';
import { protectiveLevels } from '../../src/panel/protective-levels.ts';
import { decideByRules } from '../../src/panel/rules-model.ts';
import { StrategyRefConfig } from '../../src/config/fields/strategy-ref-config.ts';
import { projectRoot } from '../../src/shared/project-root.ts';
import { loadStrategy } from '../../src/strategies/load-strategy.ts';
import type { StrategyInput } from '../../src/strategies/strategy.ts';
import { aTaSignal } from '../support/builders.ts';

const decimal = (min: number, max: number) =>
  fc.integer({ min: min * 100, max: max * 100 }).map((cents) => (cents / 100).toFixed(2));

const contexts = fc.record({
  price: decimal(1, 100_000),
  bias: fc.constantFrom('long', 'short', 'neutral'),
  taConfidence: fc.double({ min: 0, max: 1, noNaN: true }),
  regime: fc.constantFrom(...MarketRegime.options),
  regimeConfidence: fc.double({ min: 0, max: 1, noNaN: true }),
  rsi: fc.double({ min: 0, max: 100, noNaN: true }),
  atr: decimal(0, 5_000),
  ema21: decimal(1, 100_000),
  ema50: decimal(1, 100_000),
  sentiment: fc.option(fc.double({ min: -1, max: 1, noNaN: true }), { nil: undefined }),
});

describe('strategies/rules.ts', () => {
  it('votes as the built-in rules model on every context, with the same levels and size', async () => {
    const llm = LlmConfig.parse({});
    const strategy = await loadStrategy(
      StrategyRefConfig.parse({ strategy: 'strategies/rules.ts', params: { ...llm.rules } }),
      projectRoot,
      'test',
    );

    await fc.assert(
      fc.asyncProperty(contexts, async (c) => {
        const context: DecisionContext = {
          symbol: 'BTC/USD',
          price: c.price,
          ta: { bias: c.bias, confidence: c.taConfidence, rsi: c.rsi, atr: c.atr, ema21: c.ema21, ema50: c.ema50 },
          regime: { regime: c.regime, confidence: c.regimeConfidence },
          ...(c.sentiment === undefined ? {} : { sentimentScore: c.sentiment }),
        };
        const base = TaIndicators.parse(aTaSignal().indicators);
        const input: StrategyInput = {
          symbol: 'BTC/USD',
          timeframe: '1h',
          price: c.price,
          bars: [],
          ta: {
            bias: c.bias,
            confidence: c.taConfidence,
            indicators: { ...base, rsi14: c.rsi, atr14: c.atr, ema: { ...base.ema, ema21: c.ema21, ema50: c.ema50 } },
          },
          regime: context.regime,
          ...(c.sentiment === undefined ? {} : { sentimentScore: c.sentiment }),
          position: null,
          orders: [],
          account: null,
          params: llm.rules,
        };

        const builtIn = decideByRules(context, llm.rules);
        const vote = await strategy.decide(input);

        expect(vote.action).toBe(builtIn.action);
        expect(vote.confidence).toBe(builtIn.confidence);
        if (builtIn.action === 'BUY' || builtIn.action === 'SELL') {
          expect(vote.sizePct).toBe(builtIn.sizePct);
          expect({ stopLoss: vote.stopLoss, takeProfit: vote.takeProfit }).toEqual(
            protectiveLevels(builtIn.action, c.price, c.atr, llm.rules),
          );
        }
      }),
      { numRuns: 500 },
    );
  });
});
