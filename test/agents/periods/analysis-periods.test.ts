import { describe, expect, it } from 'vitest';
import {
  ANALYSIS_MIN_CANDLES,
  emaWarmUpCandles,
  MAX_EMA_SEED_WEIGHT,
  PERIODS,
} from '../../../src/agents/periods/analysis-periods.ts';
import { AgentsConfig } from '../../../src/config/sections/agents-config.ts';
import { MarketDataConfig } from '../../../src/config/sections/market-data-config.ts';

/** Weight of the first close in an EMA seeded with it, after `n` closes. */
const seedWeight = (period: number, n: number) => (1 - 2 / (period + 1)) ** (n - 1);

describe('analysis history', () => {
  it('waits until the first close weighs at most 10 % in EMA(200), and not a bar longer', () => {
    const n = emaWarmUpCandles(PERIODS.emaLong, MAX_EMA_SEED_WEIGHT);
    expect(n).toBe(232);
    expect(seedWeight(PERIODS.emaLong, n)).toBeLessThanOrEqual(MAX_EMA_SEED_WEIGHT);
    expect(seedWeight(PERIODS.emaLong, n - 1)).toBeGreaterThan(MAX_EMA_SEED_WEIGHT);
    // At the library's own stability point the seed still weighs about 14 %.
    expect(seedWeight(PERIODS.emaLong, PERIODS.emaLong)).toBeCloseTo(0.137, 3);
  });

  it('needs no fewer candles than the EMA(200) warm-up', () => {
    expect(ANALYSIS_MIN_CANDLES).toBe(232);
  });

  it('has a default agents.ta.minCandles at or above the minimum and within the default history', () => {
    const { minCandles } = AgentsConfig.parse({}).ta;
    expect(minCandles).toBeGreaterThanOrEqual(ANALYSIS_MIN_CANDLES);
    expect(minCandles).toBeLessThanOrEqual(MarketDataConfig.parse({}).historyCandles);
  });

  it('refuses an agents.ta.minCandles below the minimum', () => {
    const result = AgentsConfig.safeParse({ ta: { minCandles: ANALYSIS_MIN_CANDLES - 1 } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['ta', 'minCandles']);
    expect(AgentsConfig.safeParse({ ta: { minCandles: ANALYSIS_MIN_CANDLES } }).success).toBe(true);
  });
});
