import { RULES_PROVIDER } from '../config/sections/llm-config.ts';
import type { Conflict } from './conflict.ts';
import {
  allowedActions,
  boundResolution,
  type Resolution,
  type ResolutionBounds,
  type ResolverReply,
} from './resolution.ts';
import type { SignalUnderReview } from './signal-under-review.ts';

/** Size cut of the rules resolver's `modify`, %. */
export const RULES_SIZE_CUT_PCT = 50;

/**
 * The deterministic built-in resolver `rules`, used when no resolver model can be asked (no
 * API key): the same signal and conflicts always give the same resolution, with no network.
 *
 * Rules, first match wins:
 * 1. HOLD → `wait` (nothing to route).
 * 2. No conflict → `proceed`.
 * 3. CLOSE → `proceed` (an exit only reduces exposure).
 * 4. An `against_regime` conflict → `abort`: no entry against the trend.
 * 5. A `ta_vs_sentiment` conflict → `wait`: the evidence is mixed; a later signal decides.
 * 6. Only `confidence_gap` → `modify` with a 50 % size cut, the signal's leverage (capped at
 *    `risk.maxLeverage`) and its entry (clamped near the market); `wait` when there is no size
 *    to cut.
 *
 * The answer goes through `boundResolution` like a model's, with source `rules`.
 */
export function resolveByRules(
  signal: Pick<SignalUnderReview, 'action' | 'sizePct' | 'leverage' | 'entryPrice'>,
  conflicts: readonly Conflict[],
  bounds: Omit<ResolutionBounds, 'allowed'>,
): Resolution {
  const allowed = allowedActions(signal, conflicts);
  const kinds = new Set(conflicts.map((c) => c.kind));
  let reply: ResolverReply;
  if (signal.action === 'HOLD') {
    reply = { action: 'wait', reasoning: 'HOLD: nothing to route' };
  } else if (conflicts.length === 0) {
    reply = { action: 'proceed', reasoning: 'no conflict' };
  } else if (signal.action === 'CLOSE') {
    reply = { action: 'proceed', reasoning: 'an exit only reduces exposure: it goes on despite the conflicts' };
  } else if (kinds.has('against_regime')) {
    reply = { action: 'abort', reasoning: `rules: no ${signal.action} against the regime` };
  } else if (kinds.has('ta_vs_sentiment')) {
    reply = { action: 'wait', reasoning: 'rules: TA and sentiment disagree; waiting for a clearer signal' };
  } else if (allowed.includes('modify')) {
    reply = {
      action: 'modify',
      sizeCutPct: RULES_SIZE_CUT_PCT,
      reasoning: `rules: the signal is more confident than the TA supports; size cut by ${RULES_SIZE_CUT_PCT} %`,
    };
  } else {
    reply = {
      action: 'wait',
      reasoning: 'rules: the signal is more confident than the TA supports and has no size to cut',
    };
  }
  return boundResolution(reply, signal, { ...bounds, allowed }, RULES_PROVIDER);
}
