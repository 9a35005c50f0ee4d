import { describe, expect, it } from 'vitest';
import { CoordinatorConfig } from '../../src/config/sections/coordinator-config.ts';
import { detectConflicts } from '../../src/coordinator/detect-conflicts.ts';
import { aSignal, aView, defaultConfig, NOW_MS } from './coordinator-fixtures.ts';

const kinds = (conflicts: { kind: string }[]) => conflicts.map((c) => c.kind);
const at = (ageMs: number) => NOW_MS - ageMs;

describe('detectConflicts', () => {
  it('finds nothing when every fresh agent agrees with the signal', () => {
    expect(detectConflicts(aSignal(), aView(), defaultConfig, NOW_MS)).toEqual([]);
  });

  describe('TA against sentiment', () => {
    it('reports a long bias against a sentiment score at or below -0.2', () => {
      const conflicts = detectConflicts(
        aSignal(),
        aView({ sentiment: { score: -0.2, confidence: 0.6, tsMs: at(1_000) } }),
        defaultConfig,
        NOW_MS,
      );
      expect(conflicts).toEqual([
        { kind: 'ta_vs_sentiment', detail: expect.stringContaining('TA bias long'), between: ['ta', 'sentiment'] },
      ]);
    });

    it('reports a short bias against a sentiment score at or above 0.2, whatever the signal', () => {
      const view = aView({
        ta: { bias: 'short', confidence: 0.1, tsMs: at(1_000) },
        sentiment: { score: 0.2, confidence: 0.6, tsMs: at(1_000) },
      });
      expect(
        kinds(
          detectConflicts(
            aSignal({ action: 'SELL', confidence: 0.1 }),
            aView({ ...view, regime: null }),
            defaultConfig,
            NOW_MS,
          ),
        ),
      ).toEqual(['ta_vs_sentiment']);
    });

    it('sees no disagreement with a sentiment score inside ±0.2 or a neutral bias', () => {
      expect(
        detectConflicts(
          aSignal(),
          aView({ sentiment: { score: -0.19, confidence: 0.9, tsMs: at(1_000) } }),
          defaultConfig,
          NOW_MS,
        ),
      ).toEqual([]);
      const neutral = aView({
        ta: { bias: 'neutral', confidence: 0.9, tsMs: at(1_000) },
        sentiment: { score: -1, confidence: 1, tsMs: at(1_000) },
      });
      expect(detectConflicts(aSignal(), neutral, defaultConfig, NOW_MS)).toEqual([]);
    });
  });

  describe('against the regime', () => {
    it('reports a BUY in a trending_bear regime and a SELL in a trending_bull one', () => {
      const bear = aView({ regime: { regime: 'trending_bear', confidence: 0.8, tsMs: at(1_000) } });
      expect(detectConflicts(aSignal(), bear, defaultConfig, NOW_MS)).toEqual([
        {
          kind: 'against_regime',
          detail: 'BUY in a trending_bear regime (confidence 0.8)',
          between: ['signal', 'regime'],
        },
      ]);
      const bull = aView({ ta: { bias: 'short', confidence: 0.7, tsMs: at(1_000) }, sentiment: null });
      expect(kinds(detectConflicts(aSignal({ action: 'SELL' }), bull, defaultConfig, NOW_MS))).toEqual([
        'against_regime',
      ]);
    });

    it('sees no side in ranging, volatile or quiet regimes', () => {
      for (const regime of ['ranging', 'volatile', 'quiet'] as const) {
        const view = aView({ regime: { regime, confidence: 1, tsMs: at(1_000) } });
        expect(detectConflicts(aSignal(), view, defaultConfig, NOW_MS)).toEqual([]);
        expect(
          kinds(
            detectConflicts(
              aSignal({ action: 'SELL', confidence: 0.1 }),
              aView({ ...view, ta: null, sentiment: null }),
              defaultConfig,
              NOW_MS,
            ),
          ),
        ).toEqual([]);
      }
    });
  });

  describe('confidence gap', () => {
    it('reports a signal at least `confidenceGap` surer than an agreeing TA, exactly at the edge too', () => {
      const view = aView({ ta: { bias: 'long', confidence: 0.5, tsMs: at(1_000) } });
      expect(detectConflicts(aSignal({ confidence: 0.7 }), view, defaultConfig, NOW_MS)).toEqual([
        { kind: 'confidence_gap', detail: expect.stringContaining('gap 0.2'), between: ['signal', 'ta'] },
      ]);
      const closer = aView({ ta: { bias: 'long', confidence: 0.51, tsMs: at(1_000) } });
      expect(detectConflicts(aSignal({ confidence: 0.7 }), closer, defaultConfig, NOW_MS)).toEqual([]);
    });

    it('reports a TA pointing the other way once both confidences add up to the gap', () => {
      const against = aView({ ta: { bias: 'short', confidence: 0.1, tsMs: at(1_000) }, sentiment: null });
      expect(kinds(detectConflicts(aSignal({ confidence: 0.1 }), against, defaultConfig, NOW_MS))).toEqual([
        'confidence_gap',
      ]);
      const tiny = aView({ ta: { bias: 'short', confidence: 0.05, tsMs: at(1_000) }, sentiment: null });
      expect(detectConflicts(aSignal({ confidence: 0.1 }), tiny, defaultConfig, NOW_MS)).toEqual([]);
    });

    it('sees no conflict when the TA is surer than the signal, or neutral', () => {
      expect(
        detectConflicts(
          aSignal({ confidence: 0.3 }),
          aView({ ta: { bias: 'long', confidence: 0.95, tsMs: at(1_000) } }),
          defaultConfig,
          NOW_MS,
        ),
      ).toEqual([]);
      expect(
        detectConflicts(
          aSignal({ confidence: 1 }),
          aView({ ta: { bias: 'neutral', confidence: 0, tsMs: at(1_000) } }),
          defaultConfig,
          NOW_MS,
        ),
      ).toEqual([]);
    });

    it('uses the configured gap', () => {
      const wide = CoordinatorConfig.parse({ conflict: { confidenceGap: 0.5 } });
      const view = aView({ ta: { bias: 'long', confidence: 0.3, tsMs: at(1_000) } });
      expect(detectConflicts(aSignal({ confidence: 0.7 }), view, wide, NOW_MS)).toEqual([]);
      expect(kinds(detectConflicts(aSignal({ confidence: 0.8 }), view, wide, NOW_MS))).toEqual(['confidence_gap']);
    });
  });

  it('lists every conflict found, in rule order', () => {
    const view = aView({
      ta: { bias: 'short', confidence: 0.6, tsMs: at(1_000) },
      regime: { regime: 'trending_bear', confidence: 0.9, tsMs: at(1_000) },
      sentiment: { score: 0.5, confidence: 0.5, tsMs: at(1_000) },
    });
    expect(kinds(detectConflicts(aSignal(), view, defaultConfig, NOW_MS))).toEqual([
      'ta_vs_sentiment',
      'against_regime',
      'confidence_gap',
    ]);
  });

  it('ignores a view of another symbol, however much it disagrees', () => {
    const eth = aView({
      symbol: 'ETH/USD',
      ta: { bias: 'short', confidence: 1, tsMs: at(1_000) },
      regime: { regime: 'trending_bear', confidence: 1, tsMs: at(1_000) },
      sentiment: { score: 1, confidence: 1, tsMs: at(1_000) },
    });
    expect(detectConflicts(aSignal({ symbol: 'BTC/USD' }), eth, defaultConfig, NOW_MS)).toEqual([]);
    // The same outputs for the signal's own symbol do conflict: the symbol alone made the difference.
    expect(
      detectConflicts(aSignal({ symbol: 'BTC/USD' }), { ...eth, symbol: 'BTC/USD' }, defaultConfig, NOW_MS),
    ).toHaveLength(3);
  });

  describe('freshness', () => {
    const { ta, regime, sentiment } = defaultConfig.freshnessMs;

    it('counts a TA output exactly at its window and ignores it one millisecond later', () => {
      const view = (ageMs: number) =>
        aView({ ta: { bias: 'short', confidence: 0.8, tsMs: at(ageMs) }, sentiment: null });
      expect(kinds(detectConflicts(aSignal(), view(ta), defaultConfig, NOW_MS))).toEqual(['confidence_gap']);
      expect(detectConflicts(aSignal(), view(ta + 1), defaultConfig, NOW_MS)).toEqual([]);
    });

    it('counts a regime exactly at its window and ignores it one millisecond later', () => {
      const view = (ageMs: number) => aView({ regime: { regime: 'trending_bear', confidence: 0.8, tsMs: at(ageMs) } });
      expect(kinds(detectConflicts(aSignal(), view(regime), defaultConfig, NOW_MS))).toEqual(['against_regime']);
      expect(detectConflicts(aSignal(), view(regime + 1), defaultConfig, NOW_MS)).toEqual([]);
    });

    it('counts a sentiment exactly at its window and ignores it one millisecond later', () => {
      const view = (ageMs: number) => aView({ sentiment: { score: -0.9, confidence: 0.8, tsMs: at(ageMs) } });
      expect(kinds(detectConflicts(aSignal(), view(sentiment), defaultConfig, NOW_MS))).toEqual(['ta_vs_sentiment']);
      expect(detectConflicts(aSignal(), view(sentiment + 1), defaultConfig, NOW_MS)).toEqual([]);
    });

    it('uses the configured windows', () => {
      const short = CoordinatorConfig.parse({ freshnessMs: { regime: 60_000 } });
      const view = aView({ regime: { regime: 'trending_bear', confidence: 0.8, tsMs: at(60_001) } });
      expect(detectConflicts(aSignal(), view, short, NOW_MS)).toEqual([]);
      expect(kinds(detectConflicts(aSignal(), view, defaultConfig, NOW_MS))).toEqual(['against_regime']);
    });
  });

  it('finds no conflict for HOLD (not routed) or CLOSE (an exit goes on)', () => {
    const hostile = aView({
      ta: { bias: 'short', confidence: 1, tsMs: at(1_000) },
      regime: { regime: 'trending_bear', confidence: 1, tsMs: at(1_000) },
    });
    expect(detectConflicts(aSignal({ action: 'HOLD' }), hostile, defaultConfig, NOW_MS)).toEqual([]);
    expect(detectConflicts(aSignal({ action: 'CLOSE' }), hostile, defaultConfig, NOW_MS)).toEqual([]);
  });

  it('refuses a malformed view instead of reading it', () => {
    const broken = { symbol: 'BTC/USD', ta: { bias: 'up', confidence: 2, tsMs: NOW_MS } } as never;
    expect(() => detectConflicts(aSignal(), broken, defaultConfig, NOW_MS)).toThrow();
  });
});
