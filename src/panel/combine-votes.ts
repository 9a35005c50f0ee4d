import type { TradeAction } from '../bus/messages/trading-signal-emitted.ts';

/** One model's vote with the weight of that model in the panel (`agents.decision.panel[].weight`). */
export interface WeightedVote {
  model: string;
  action: TradeAction;
  confidence: number;
  weight: number;
}

export interface VoteTally {
  action: TradeAction;
  /** Σ weight × confidence of the votes for `action` ÷ Σ weight of all votes, 0–1. */
  confidence: number;
  /** Σ weight × confidence for `action` ÷ Σ weight × confidence of all votes, 0–1. */
  agreement: number;
  /** The votes for `action`. */
  winners: WeightedVote[];
}

/** When the top score is shared, the action that risks least wins; BUY against SELL is HOLD. */
const TIE_ORDER: readonly TradeAction[] = ['HOLD', 'CLOSE'];

/**
 * Confidence-weighted agreement. Each vote scores weight × confidence for its action; the
 * action with the highest score wins when its share of all scores (the agreement) reaches
 * `minAgreement`, else the panel HOLDs. Abstentions are not votes: they count for nothing,
 * not for HOLD. The combined confidence divides the winner's score by the total weight of
 * the votes, so disagreement lowers it: one BUY at 0.8 gives 0.8, a BUY at 0.8 against a
 * SELL at 0.6 (equal weights) gives 0.4.
 *
 * No votes (or only votes at confidence 0): HOLD at confidence 0.
 */
export function combineVotes(votes: readonly WeightedVote[], opts: { minAgreement: number }): VoteTally {
  const scores = new Map<TradeAction, number>();
  let totalScore = 0;
  let totalWeight = 0;
  for (const vote of votes) {
    const score = vote.weight * vote.confidence;
    scores.set(vote.action, (scores.get(vote.action) ?? 0) + score);
    totalScore += score;
    totalWeight += vote.weight;
  }
  const tallyOf = (action: TradeAction): VoteTally => {
    const score = scores.get(action) ?? 0;
    return {
      action,
      confidence: totalWeight > 0 ? round4(score / totalWeight) : 0,
      agreement: totalScore > 0 ? round4(score / totalScore) : 0,
      winners: votes.filter((v) => v.action === action),
    };
  };
  if (totalScore === 0) return tallyOf('HOLD');

  const best = Math.max(...scores.values());
  const leaders = [...scores.entries()].filter(([, score]) => score === best).map(([action]) => action);
  const winner = leaders.length === 1 ? leaders[0]! : (TIE_ORDER.find((a) => leaders.includes(a)) ?? 'HOLD');
  const tally = tallyOf(winner);
  return tally.agreement >= opts.minAgreement ? tally : tallyOf('HOLD');
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
