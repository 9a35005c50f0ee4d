import type { CoordinatorConfig } from '../config/sections/coordinator-config.ts';
import type { AgentView } from './agent-view.ts';
import { directionOfTrade, directionsOfAgents } from './direction.ts';
import { freshOutputs } from './fresh-outputs.ts';
import type { SignalUnderReview } from './signal-under-review.ts';

/** How far the analysis agents back a signal, and what that does to its confidence. */
export interface Consensus {
  /** Share of the counted agents pointing the signal's way, 0–1; null when none was counted. */
  agreement: number | null;
  /** Fresh agents (TA, regime, sentiment) pointing the signal's way. */
  agreeing: number;
  /** Fresh agents with an output for the symbol, whichever way (or no way) they point. */
  counted: number;
  /** What the signal's confidence was multiplied by, within [cutMin, boostMax], 4 decimals. */
  multiplier: number;
  /** The signal's confidence × multiplier, clamped to [0, 1], 4 decimals. */
  confidence: number;
}

const round4 = (value: number) => Math.round(value * 10_000) / 10_000;
const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/**
 * The confidence multiplier for an agreement share `agreement` (clamped to 0–1), piecewise
 * linear and continuous, with `c = coordinator.consensus`:
 *
 * - agreement ≥ `c.boostAbove`: `1 + (c.boostMax − 1) × (agreement − c.boostAbove) / (1 − c.boostAbove)`,
 *   so ×1 at the threshold rising to ×`boostMax` at full agreement (`boostMax` when `boostAbove` is 1);
 * - agreement ≤ `c.cutBelow`: `c.cutMin + (1 − c.cutMin) × agreement / c.cutBelow`,
 *   so ×`cutMin` at no agreement rising to ×1 at the threshold (`cutMin` when `cutBelow` is 0);
 * - in between: ×1.
 *
 * With the defaults (0.66 → ×1.3, 0.33 → ×0.85) and three agents: 3/3 → 1.3, 2/3 → 1.0059,
 * 1/3 → 1 (0.333… is above 0.33), 0/3 → 0.85; with two: 2/2 → 1.3, 1/2 → 1, 0/2 → 0.85.
 * The result is rounded to 4 decimals and never leaves [cutMin, boostMax].
 *
 * @throws RangeError when `agreement` is not a finite number.
 */
export function consensusMultiplier(agreement: number, consensus: CoordinatorConfig['consensus']): number {
  if (!Number.isFinite(agreement)) throw new RangeError(`agreement must be a finite number, got ${agreement}`);
  const { boostAbove, boostMax, cutBelow, cutMin } = consensus;
  const a = clamp(agreement, 0, 1);
  let multiplier = 1;
  if (a >= boostAbove) {
    multiplier = boostAbove >= 1 ? boostMax : 1 + ((boostMax - 1) * (a - boostAbove)) / (1 - boostAbove);
  } else if (a <= cutBelow) {
    multiplier = cutBelow <= 0 ? cutMin : cutMin + ((1 - cutMin) * a) / cutBelow;
  }
  return clamp(round4(multiplier), cutMin, boostMax);
}

/**
 * Scales a signal's confidence by how far the fresh analysis outputs for its symbol agree
 * with it. Pure.
 *
 * Agreement is the share of counted agents whose direction (see `directionsOfAgents`) is the
 * signal's: TA bias, regime trend and sentiment score each count once when present, fresh and
 * for `signal.symbol` (see `freshOutputs`); an agent pointing no way (neutral bias, ranging
 * regime, sentiment inside ±0.2) is counted and does not agree. The multiplier is
 * `consensusMultiplier(agreement)`.
 *
 * No counted agent (nothing fresh, or a view of another symbol), HOLD or CLOSE (no direction
 * to agree with): agreement null, multiplier 1. The confidence is always clamped to [0, 1].
 *
 * @throws RangeError when `signal.confidence` is not a finite number; ZodError when `view` is malformed.
 */
export function applyConsensus(
  signal: Pick<SignalUnderReview, 'symbol' | 'action' | 'confidence'>,
  view: AgentView,
  config: Pick<CoordinatorConfig, 'freshnessMs' | 'consensus'>,
  nowMs: number,
): Consensus {
  if (!Number.isFinite(signal.confidence))
    throw new RangeError(`signal confidence must be a finite number, got ${signal.confidence}`);
  const direction = directionOfTrade(signal.action);
  const agents =
    direction === undefined
      ? []
      : Object.values(directionsOfAgents(freshOutputs(view, signal.symbol, config.freshnessMs, nowMs)));
  const agreeing = agents.filter((d) => d === direction).length;
  const agreement = agents.length === 0 ? null : agreeing / agents.length;
  const multiplier = agreement === null ? 1 : consensusMultiplier(agreement, config.consensus);
  const confidence = round4(clamp(signal.confidence * multiplier, 0, 1));
  return { agreement, agreeing, counted: agents.length, multiplier, confidence };
}
