import { describe, expect, it } from 'vitest';
import { resolveByRules } from '../../src/coordinator/resolve-by-rules.ts';
import {
  allowedActions,
  boundResolution,
  Resolution,
  type ResolutionBounds,
} from '../../src/coordinator/resolution.ts';
import { againstRegime, aSignal, confidenceGap, taVsSentiment } from './coordinator-fixtures.ts';

const ALL = ['proceed', 'wait', 'modify', 'abort'] as const;
/** Market 68600.5, entry at most 1 % away: [67914.495, 69286.505]; leverage at most 3. */
const bounds: ResolutionBounds = { allowed: ALL, maxLeverage: 3, maxEntryDistancePct: 1, marketPrice: '68600.5' };
const MODEL = 'deepseek/deepseek-chat';

describe('allowedActions', () => {
  it('allows only wait for a HOLD, conflicts or not', () => {
    expect(allowedActions(aSignal({ action: 'HOLD', sizePct: 0 }), [])).toEqual(['wait']);
    expect(allowedActions(aSignal({ action: 'HOLD', sizePct: 0 }), [againstRegime])).toEqual(['wait']);
  });

  it('allows proceed or wait when there is no conflict', () => {
    expect(allowedActions(aSignal(), [])).toEqual(['proceed', 'wait']);
  });

  it('never aborts or modifies an exit', () => {
    expect(allowedActions(aSignal({ action: 'CLOSE', sizePct: 0 }), [againstRegime, taVsSentiment])).toEqual([
      'proceed',
      'wait',
    ]);
    expect(allowedActions(aSignal({ action: 'CLOSE', sizePct: 30 }), [confidenceGap])).toEqual(['proceed', 'wait']);
  });

  it('allows every action for a conflicted entry, modify only with a size to cut', () => {
    expect(allowedActions(aSignal({ action: 'BUY' }), [confidenceGap])).toEqual(['proceed', 'wait', 'modify', 'abort']);
    expect(allowedActions(aSignal({ action: 'SELL' }), [againstRegime])).toEqual([
      'proceed',
      'wait',
      'modify',
      'abort',
    ]);
    expect(allowedActions(aSignal({ action: 'BUY', sizePct: 0 }), [confidenceGap])).toEqual([
      'proceed',
      'wait',
      'abort',
    ]);
  });
});

describe('boundResolution', () => {
  it('passes proceed, wait and abort through with their source', () => {
    for (const action of ['proceed', 'wait', 'abort'] as const) {
      expect(boundResolution({ action, reasoning: ' why ' }, aSignal(), bounds, MODEL)).toEqual({
        action,
        reasoning: 'why',
        source: MODEL,
      });
    }
  });

  it('turns an action outside the allowed set into a fallback wait', () => {
    const result = boundResolution(
      { action: 'abort', reasoning: 'no' },
      aSignal({ action: 'CLOSE' }),
      { ...bounds, allowed: ['proceed', 'wait'] },
      MODEL,
    );
    expect(result).toEqual({
      action: 'wait',
      source: 'fallback_wait',
      reasoning: expect.stringContaining('abort, which is not allowed'),
    });
  });

  it('turns an invalid reply into a fallback wait naming the problem', () => {
    expect(boundResolution({ action: 'hold' }, aSignal(), bounds, MODEL)).toMatchObject({
      action: 'wait',
      source: 'fallback_wait',
      reasoning: expect.stringContaining('action'),
    });
    expect(boundResolution({ action: 'modify', sizeCutPct: '50' }, aSignal(), bounds, MODEL)).toMatchObject({
      action: 'wait',
      source: 'fallback_wait',
    });
    expect(boundResolution('proceed', aSignal(), bounds, MODEL)).toMatchObject({
      action: 'wait',
      source: 'fallback_wait',
    });
    expect(boundResolution(null, aSignal(), bounds, MODEL)).toMatchObject({ action: 'wait', source: 'fallback_wait' });
  });

  it('keeps a modify that is within bounds as asked', () => {
    const result = boundResolution(
      { action: 'modify', sizeCutPct: 40, leverage: 1.5, entryPrice: '68000', reasoning: 'smaller' },
      aSignal({ sizePct: 5, leverage: 2 }),
      bounds,
      MODEL,
    );
    expect(result).toEqual({
      action: 'modify',
      sizeCutPct: 40,
      sizePct: 3,
      leverage: 1.5,
      entryPrice: '68000',
      reasoning: 'smaller',
      source: MODEL,
    });
  });

  it("keeps the signal's values for the fields a modify leaves out", () => {
    const result = boundResolution(
      { action: 'modify', sizeCutPct: null },
      aSignal({ sizePct: 5, leverage: 2, entryPrice: '68600.5' }),
      bounds,
      MODEL,
    );
    expect(result).toEqual({
      action: 'modify',
      sizeCutPct: 0,
      sizePct: 5,
      leverage: 2,
      entryPrice: '68600.5',
      reasoning: '(no reasoning given)',
      source: MODEL,
    });
    const noEntry = boundResolution({ action: 'modify' }, aSignal({ entryPrice: null }), bounds, MODEL);
    expect(noEntry).toMatchObject({ action: 'modify', entryPrice: '68600.5' });
  });

  it('caps a size cut into 0–100: above 100 leaves nothing, below 0 never grows the trade', () => {
    expect(
      boundResolution({ action: 'modify', sizeCutPct: 150 }, aSignal({ sizePct: 5 }), bounds, MODEL),
    ).toMatchObject({ action: 'modify', sizeCutPct: 100, sizePct: 0 });
    expect(
      boundResolution({ action: 'modify', sizeCutPct: 1e308 }, aSignal({ sizePct: 5 }), bounds, MODEL),
    ).toMatchObject({ action: 'modify', sizeCutPct: 100, sizePct: 0 });
    expect(
      boundResolution({ action: 'modify', sizeCutPct: -20 }, aSignal({ sizePct: 5 }), bounds, MODEL),
    ).toMatchObject({ action: 'modify', sizeCutPct: 0, sizePct: 5 });
    expect(
      boundResolution({ action: 'modify', sizeCutPct: 33.333 }, aSignal({ sizePct: 7 }), bounds, MODEL),
    ).toMatchObject({ sizeCutPct: 33.33, sizePct: 4.66 });
  });

  it("caps leverage at the lower of the signal's and risk.maxLeverage, and at least 1", () => {
    expect(boundResolution({ action: 'modify', leverage: 9 }, aSignal({ leverage: 2 }), bounds, MODEL)).toMatchObject({
      leverage: 2,
    });
    expect(boundResolution({ action: 'modify', leverage: 9 }, aSignal({ leverage: 5 }), bounds, MODEL)).toMatchObject({
      leverage: 3,
    });
    expect(boundResolution({ action: 'modify', leverage: 0.2 }, aSignal({ leverage: 5 }), bounds, MODEL)).toMatchObject(
      { leverage: 1 },
    );
    expect(
      boundResolution({ action: 'modify', leverage: -1e308 }, aSignal({ leverage: 5 }), bounds, MODEL),
    ).toMatchObject({ leverage: 1 });
    expect(boundResolution({ action: 'modify' }, aSignal({ leverage: 5 }), bounds, MODEL)).toMatchObject({
      leverage: 3,
    });
  });

  it('clamps an entry too far from the market to the nearest edge of the allowed band', () => {
    expect(boundResolution({ action: 'modify', entryPrice: '80000' }, aSignal(), bounds, MODEL)).toMatchObject({
      entryPrice: '69286.505',
    });
    expect(boundResolution({ action: 'modify', entryPrice: '0.0001' }, aSignal(), bounds, MODEL)).toMatchObject({
      entryPrice: '67914.495',
    });
    expect(boundResolution({ action: 'modify', entryPrice: '-5' }, aSignal(), bounds, MODEL)).toMatchObject({
      entryPrice: '67914.495',
    });
    expect(boundResolution({ action: 'modify', entryPrice: 1e308 }, aSignal(), bounds, MODEL)).toMatchObject({
      entryPrice: '69286.505',
    });
    expect(boundResolution({ action: 'modify', entryPrice: 68700.25 }, aSignal(), bounds, MODEL)).toMatchObject({
      entryPrice: '68700.25',
    });
    // A signal entry already outside the band is clamped too.
    expect(boundResolution({ action: 'modify' }, aSignal({ entryPrice: '75000' }), bounds, MODEL)).toMatchObject({
      entryPrice: '69286.505',
    });
  });

  it('rounds an entry to 8 decimals toward the market', () => {
    expect(
      boundResolution({ action: 'modify', entryPrice: '68000.123456789' }, aSignal(), bounds, MODEL),
    ).toMatchObject({ entryPrice: '68000.12345679' });
    expect(
      boundResolution({ action: 'modify', entryPrice: '69000.123456789' }, aSignal(), bounds, MODEL),
    ).toMatchObject({ entryPrice: '69000.12345678' });
  });

  it('keeps the entry at the market with a zero distance', () => {
    expect(
      boundResolution({ action: 'modify', entryPrice: '1' }, aSignal(), { ...bounds, maxEntryDistancePct: 0 }, MODEL),
    ).toMatchObject({ entryPrice: '68600.5' });
  });

  it('cuts a very long reasoning', () => {
    const result = boundResolution({ action: 'proceed', reasoning: 'x'.repeat(50_000) }, aSignal(), bounds, MODEL);
    expect(result.reasoning.length).toBeLessThanOrEqual(1_001);
    expect(Resolution.parse(result)).toEqual(result);
  });

  it('refuses a market price that is not a positive decimal', () => {
    expect(() => boundResolution({ action: 'proceed' }, aSignal(), { ...bounds, marketPrice: '0' }, MODEL)).toThrow();
    expect(() => boundResolution({ action: 'proceed' }, aSignal(), { ...bounds, marketPrice: '-1' }, MODEL)).toThrow();
  });
});

describe('resolveByRules', () => {
  const ruleBounds = { maxLeverage: 3, maxEntryDistancePct: 1, marketPrice: '68600.5' };

  it('aborts an entry against the regime, whatever else conflicts', () => {
    expect(resolveByRules(aSignal(), [confidenceGap, againstRegime, taVsSentiment], ruleBounds)).toMatchObject({
      action: 'abort',
      source: 'rules',
    });
  });

  it('waits when TA and sentiment disagree', () => {
    expect(resolveByRules(aSignal(), [taVsSentiment, confidenceGap], ruleBounds)).toMatchObject({
      action: 'wait',
      source: 'rules',
    });
  });

  it('halves the size when only the confidence gap conflicts', () => {
    expect(resolveByRules(aSignal({ sizePct: 5, leverage: 2 }), [confidenceGap], ruleBounds)).toEqual({
      action: 'modify',
      sizeCutPct: 50,
      sizePct: 2.5,
      leverage: 2,
      entryPrice: '68600.5',
      reasoning: expect.stringContaining('50 %'),
      source: 'rules',
    });
    expect(resolveByRules(aSignal({ sizePct: 0 }), [confidenceGap], ruleBounds)).toMatchObject({
      action: 'wait',
      source: 'rules',
    });
  });

  it('proceeds with no conflict and with an exit, and waits on a HOLD', () => {
    expect(resolveByRules(aSignal(), [], ruleBounds)).toMatchObject({ action: 'proceed', source: 'rules' });
    expect(resolveByRules(aSignal({ action: 'CLOSE' }), [againstRegime], ruleBounds)).toMatchObject({
      action: 'proceed',
      source: 'rules',
    });
    expect(resolveByRules(aSignal({ action: 'HOLD' }), [], ruleBounds)).toMatchObject({
      action: 'wait',
      source: 'rules',
    });
  });
});
