import { describe, expect, it } from 'vitest';
import { LlmConfig } from '../../src/config/sections/llm-config.ts';
import { decideByRules } from '../../src/panel/rules-model.ts';
import { createTradeDecisionSchema, TradeDecision } from '../../src/panel/trade-decision.ts';
import { aContext } from '../llm/llm-fixtures.ts';

const rules = LlmConfig.parse({}).rules;

describe('rules model', () => {
  it('buys a bull trend with the stop 2 ATR below and the target 3 ATR above the entry', () => {
    const decision = decideByRules(aContext(), rules);
    expect(TradeDecision.parse(decision)).toEqual(decision);
    // 68600.5 − 2 × 850.25 = 66900; 68600.5 + 3 × 850.25 = 71151.25.
    expect(decision).toMatchObject({
      action: 'BUY',
      entryPrice: '68600.5',
      stopLoss: '66900',
      takeProfit: '71151.25',
      leverage: 1,
    });
    // Mean of TA 0.7 and regime 0.8; size 10 % × 0.75.
    expect(decision.confidence).toBe(0.75);
    expect(decision.sizePct).toBe(7.5);
  });

  it('derives levels with decimal arithmetic, to 8 digits, whatever the stop multiple', () => {
    const decision = decideByRules(
      aContext({ price: '0.5123', ta: { ...aContext().ta, atr: '0.0123457', ema21: '0.51', ema50: '0.5' } }),
      { ...rules, stopLossAtr: 1.5 },
    );
    // 0.5123 − 1.5 × 0.0123457 = 0.49378145; 0.5123 + 3 × 0.0123457 = 0.5493371.
    expect(decision).toMatchObject({ action: 'BUY', stopLoss: '0.49378145', takeProfit: '0.5493371' });
  });

  it('sells a bear trend with the stop above the entry, or holds when RSI is oversold', () => {
    const bear = aContext({
      ta: { bias: 'short', confidence: 0.6, rsi: 41, atr: '850.25', ema21: '66000', ema50: '67500' },
      regime: { regime: 'trending_bear', confidence: 0.8 },
    });
    const decision = decideByRules(bear, rules);
    expect(decision).toMatchObject({
      action: 'SELL',
      entryPrice: '68600.5',
      stopLoss: '70301',
      takeProfit: '66049.75',
      confidence: 0.7,
    });

    expect(decideByRules({ ...bear, ta: { ...bear.ta, rsi: 22 } }, rules).action).toBe('HOLD');
  });

  it.each(['quiet', 'ranging', 'volatile'] as const)('holds in a %s market, with no prices and no size', (regime) => {
    const decision = decideByRules(aContext({ regime: { regime, confidence: 0.9 } }), rules);
    expect(decision).toMatchObject({
      action: 'HOLD',
      entryPrice: null,
      stopLoss: null,
      takeProfit: null,
      sizePct: 0,
      leverage: 1,
    });
  });

  it('holds when TA disagrees with the trend, when the EMAs are crossed the other way, or when overbought', () => {
    const base = aContext();
    expect(decideByRules({ ...base, ta: { ...base.ta, bias: 'neutral' } }, rules).action).toBe('HOLD');
    expect(decideByRules({ ...base, ta: { ...base.ta, ema21: '66000' } }, rules).action).toBe('HOLD');
    expect(decideByRules({ ...base, ta: { ...base.ta, rsi: 75 } }, rules).action).toBe('HOLD');
  });

  it('holds when no stop can be placed (ATR zero, or a stop below zero)', () => {
    const base = aContext();
    expect(decideByRules({ ...base, ta: { ...base.ta, atr: '0' } }, rules).action).toBe('HOLD');
    expect(
      decideByRules({ ...base, price: '100', ta: { ...base.ta, atr: '60', ema21: '99', ema50: '90' } }, rules).action,
    ).toBe('HOLD');
  });

  it('moves the confidence of an entry by 0.1 × the sentiment score in the direction of the trade', () => {
    expect(decideByRules(aContext({ sentimentScore: 1 }), rules).confidence).toBe(0.85);
    expect(decideByRules(aContext({ sentimentScore: -0.5 }), rules).confidence).toBe(0.7);
  });

  it('is deterministic: the same context gives the same decision', () => {
    const contexts = [
      aContext(),
      aContext({ regime: { regime: 'quiet', confidence: 0.4 } }),
      aContext({ sentimentScore: 0.3 }),
    ];
    for (const context of contexts) {
      expect(decideByRules(structuredClone(context), rules)).toEqual(decideByRules(context, rules));
    }
  });

  it('produces decisions the panel schema accepts at leverage 1 even when the maximum is 1', () => {
    expect(createTradeDecisionSchema(1).safeParse(decideByRules(aContext(), rules)).success).toBe(true);
  });
});
