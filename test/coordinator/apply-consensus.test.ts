import { describe, expect, it } from 'vitest';
import { CoordinatorConfig } from '../../src/config/sections/coordinator-config.ts';
import { applyConsensus, consensusMultiplier } from '../../src/coordinator/apply-consensus.ts';
import { aSignal, aView, defaultConfig, NOW_MS } from './coordinator-fixtures.ts';

const consensus = defaultConfig.consensus;
const at = (ageMs: number) => NOW_MS - ageMs;

describe('consensusMultiplier', () => {
  it('is 1 exactly at both thresholds and in between', () => {
    expect(consensusMultiplier(0.66, consensus)).toBe(1);
    expect(consensusMultiplier(0.33, consensus)).toBe(1);
    expect(consensusMultiplier(0.5, consensus)).toBe(1);
    expect(consensusMultiplier(0.659, consensus)).toBe(1);
    expect(consensusMultiplier(0.331, consensus)).toBe(1);
  });

  it('boosts linearly from 1 at boostAbove to boostMax at full agreement', () => {
    expect(consensusMultiplier(1, consensus)).toBe(1.3);
    expect(consensusMultiplier(0.83, consensus)).toBe(1.15);
    expect(consensusMultiplier(2 / 3, consensus)).toBe(1.0059);
  });

  it('cuts linearly from 1 at cutBelow to cutMin at no agreement', () => {
    expect(consensusMultiplier(0, consensus)).toBe(0.85);
    expect(consensusMultiplier(0.165, consensus)).toBe(0.925);
  });

  it('never leaves [cutMin, boostMax] and never decreases as agreement grows, even for out-of-range input', () => {
    let previous = -Infinity;
    for (let i = -100; i <= 1_100; i++) {
      const m = consensusMultiplier(i / 1_000, consensus);
      expect(m).toBeGreaterThanOrEqual(0.85);
      expect(m).toBeLessThanOrEqual(1.3);
      expect(m).toBeGreaterThanOrEqual(previous);
      previous = m;
    }
    expect(consensusMultiplier(-5, consensus)).toBe(0.85);
    expect(consensusMultiplier(5, consensus)).toBe(1.3);
  });

  it('handles thresholds at the ends of the range', () => {
    const edges = CoordinatorConfig.parse({
      consensus: { boostAbove: 1, cutBelow: 0, boostMax: 2, cutMin: 0 },
    }).consensus;
    expect(consensusMultiplier(1, edges)).toBe(2);
    expect(consensusMultiplier(0.999, edges)).toBe(1);
    expect(consensusMultiplier(0, edges)).toBe(0);
    expect(consensusMultiplier(0.001, edges)).toBe(1);
  });

  it('refuses an agreement that is not a number', () => {
    expect(() => consensusMultiplier(Number.NaN, consensus)).toThrow(RangeError);
    expect(() => consensusMultiplier(Number.POSITIVE_INFINITY, consensus)).toThrow(RangeError);
  });
});

describe('applyConsensus', () => {
  it('boosts a signal every fresh agent agrees with, clamping the confidence at 1', () => {
    expect(applyConsensus(aSignal({ confidence: 0.5 }), aView(), defaultConfig, NOW_MS)).toEqual({
      agreement: 1,
      agreeing: 3,
      counted: 3,
      multiplier: 1.3,
      confidence: 0.65,
    });
    expect(applyConsensus(aSignal({ confidence: 0.9 }), aView(), defaultConfig, NOW_MS)).toMatchObject({
      multiplier: 1.3,
      confidence: 1,
    });
  });

  it('cuts a signal no agent agrees with, counting agents that point no way', () => {
    const view = aView({
      ta: { bias: 'neutral', confidence: 0.9, tsMs: at(1_000) },
      regime: { regime: 'ranging', confidence: 0.9, tsMs: at(1_000) },
      sentiment: { score: -0.6, confidence: 0.9, tsMs: at(1_000) },
    });
    expect(applyConsensus(aSignal({ confidence: 0.8 }), view, defaultConfig, NOW_MS)).toEqual({
      agreement: 0,
      agreeing: 0,
      counted: 3,
      multiplier: 0.85,
      confidence: 0.68,
    });
  });

  it('reads agreement against a SELL the other way round', () => {
    expect(applyConsensus(aSignal({ action: 'SELL', confidence: 0.6 }), aView(), defaultConfig, NOW_MS)).toMatchObject({
      agreement: 0,
      multiplier: 0.85,
      confidence: 0.51,
    });
  });

  it('counts only fresh outputs: stale disagreement does not cut', () => {
    const view = aView({
      regime: { regime: 'trending_bear', confidence: 1, tsMs: at(defaultConfig.freshnessMs.regime + 1) },
      sentiment: { score: -1, confidence: 1, tsMs: at(defaultConfig.freshnessMs.sentiment + 1) },
    });
    expect(applyConsensus(aSignal({ confidence: 0.5 }), view, defaultConfig, NOW_MS)).toEqual({
      agreement: 1,
      agreeing: 1,
      counted: 1,
      multiplier: 1.3,
      confidence: 0.65,
    });
  });

  it('ignores a view of another symbol: no agreement, no change', () => {
    expect(applyConsensus(aSignal({ confidence: 0.5 }), aView({ symbol: 'ETH/USD' }), defaultConfig, NOW_MS)).toEqual({
      agreement: null,
      agreeing: 0,
      counted: 0,
      multiplier: 1,
      confidence: 0.5,
    });
  });

  it('leaves HOLD and CLOSE as they are', () => {
    for (const action of ['HOLD', 'CLOSE'] as const) {
      expect(applyConsensus(aSignal({ action, confidence: 0.4 }), aView(), defaultConfig, NOW_MS)).toEqual({
        agreement: null,
        agreeing: 0,
        counted: 0,
        multiplier: 1,
        confidence: 0.4,
      });
    }
  });

  it('keeps the confidence within [0, 1] for any confidence, view and config', () => {
    const configs = [
      defaultConfig,
      CoordinatorConfig.parse({ consensus: { boostAbove: 0.5, boostMax: 2, cutBelow: 0.5, cutMin: 0 } }),
    ];
    const biases = ['long', 'short', 'neutral'] as const;
    const regimes = ['trending_bull', 'trending_bear', 'ranging'] as const;
    for (const config of configs) {
      for (const confidence of [0, 0.01, 0.5, 0.77, 0.99, 1]) {
        for (const bias of biases) {
          for (const regime of regimes) {
            for (const score of [-1, 0, 1]) {
              const view = aView({
                ta: { bias, confidence: 1, tsMs: at(0) },
                regime: { regime, confidence: 1, tsMs: at(0) },
                sentiment: { score, confidence: 1, tsMs: at(0) },
              });
              for (const action of ['BUY', 'SELL'] as const) {
                const result = applyConsensus(aSignal({ action, confidence }), view, config, NOW_MS);
                expect(result.confidence).toBeGreaterThanOrEqual(0);
                expect(result.confidence).toBeLessThanOrEqual(1);
                expect(result.multiplier).toBeGreaterThanOrEqual(config.consensus.cutMin);
                expect(result.multiplier).toBeLessThanOrEqual(config.consensus.boostMax);
              }
            }
          }
        }
      }
    }
  });
});
