import type { CoordinatorConfig } from '../config/sections/coordinator-config.ts';
import type { AgentView } from './agent-view.ts';
import type { Conflict } from './conflict.ts';
import { directionOfTrade, directionsOfAgents } from './direction.ts';
import { freshOutputs } from './fresh-outputs.ts';
import type { SignalUnderReview } from './signal-under-review.ts';

/** Comparisons are made at this many decimals, so 0.7 − 0.5 is a gap of 0.2, not 0.19999…. */
const DECIMALS = 1e9;

/**
 * The conflicts between a trading signal and the analysis outputs for its symbol. Pure.
 *
 * Only outputs for `signal.symbol` that are within their freshness windows count (see
 * `freshOutputs`): a view of another symbol, or a stale output, adds no conflict.
 *
 * Only entries (BUY, SELL) have conflicts. HOLD is recorded and not routed; CLOSE reduces
 * exposure and goes on whatever the agents think (as exits go on when the coordinator is
 * PAUSED), so both give `[]`.
 *
 * Rules, in this order of the result:
 * 1. `ta_vs_sentiment` (between ta and sentiment): the TA bias and the sentiment point opposite
 *    ways: bias `long` with a score ≤ −0.2, or bias `short` with a score ≥ 0.2. A score inside
 *    (−0.2, 0.2) or a `neutral` bias has no direction and disagrees with nothing.
 * 2. `against_regime` (between signal and regime): a BUY in `trending_bear` or a SELL in
 *    `trending_bull`. `ranging`, `volatile` and `quiet` are against no side.
 * 3. `confidence_gap` (between signal and ta): the signal claims more conviction in its
 *    direction than the TA output gives it, by at least `conflict.confidenceGap`:
 *    `signal.confidence − support ≥ gap`, where `support` is the TA confidence when its bias
 *    points the signal's way and minus the TA confidence when it points the other way. So a
 *    TA against the signal conflicts as soon as both confidences add up to the gap, and an
 *    agreeing TA conflicts only when it is at least `gap` less sure than the signal. A
 *    `neutral` bias makes no claim about a direction and is not compared.
 */
export function detectConflicts(
  signal: Pick<SignalUnderReview, 'symbol' | 'action' | 'confidence'>,
  view: AgentView,
  config: Pick<CoordinatorConfig, 'freshnessMs' | 'conflict'>,
  nowMs: number,
): Conflict[] {
  const direction = directionOfTrade(signal.action);
  if (direction === undefined) return [];
  const outputs = freshOutputs(view, signal.symbol, config.freshnessMs, nowMs);
  const agents = directionsOfAgents(outputs);
  const conflicts: Conflict[] = [];

  if (outputs.ta && outputs.sentiment && agents.ta && agents.sentiment && agents.ta === -agents.sentiment) {
    conflicts.push({
      kind: 'ta_vs_sentiment',
      detail: `TA bias ${outputs.ta.bias} (confidence ${outputs.ta.confidence}) against sentiment score ${outputs.sentiment.score} (confidence ${outputs.sentiment.confidence})`,
      between: ['ta', 'sentiment'],
    });
  }

  if (outputs.regime && agents.regime === -direction) {
    conflicts.push({
      kind: 'against_regime',
      detail: `${signal.action} in a ${outputs.regime.regime} regime (confidence ${outputs.regime.confidence})`,
      between: ['signal', 'regime'],
    });
  }

  if (outputs.ta && agents.ta) {
    const support = agents.ta * direction * outputs.ta.confidence;
    const gap = Math.round((signal.confidence - support) * DECIMALS) / DECIMALS;
    if (gap >= config.conflict.confidenceGap) {
      conflicts.push({
        kind: 'confidence_gap',
        detail: `${signal.action} at confidence ${signal.confidence} with TA bias ${outputs.ta.bias} at ${outputs.ta.confidence}: gap ${gap} ≥ ${config.conflict.confidenceGap}`,
        between: ['signal', 'ta'],
      });
    }
  }
  return conflicts;
}
