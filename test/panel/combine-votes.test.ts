import { describe, expect, it } from 'vitest';
import { combineVotes, type WeightedVote } from '../../src/panel/combine-votes.ts';

const vote = (model: string, action: WeightedVote['action'], confidence: number, weight = 1): WeightedVote => ({
  model,
  action,
  confidence,
  weight,
});

describe('combineVotes', () => {
  it('passes a single vote through with its confidence', () => {
    expect(combineVotes([vote('a', 'BUY', 0.8)], { minAgreement: 0.5 })).toMatchObject({
      action: 'BUY',
      confidence: 0.8,
      agreement: 1,
    });
  });

  it('lowers the confidence by disagreement: BUY 0.8 against SELL 0.6 gives BUY at 0.4', () => {
    const tally = combineVotes([vote('a', 'BUY', 0.8), vote('b', 'SELL', 0.6)], { minAgreement: 0.5 });
    expect(tally).toMatchObject({ action: 'BUY', confidence: 0.4, agreement: 0.5714 });
    expect(tally.winners.map((v) => v.model)).toEqual(['a']);
  });

  it('holds when the winner has less agreement than required', () => {
    const tally = combineVotes([vote('a', 'BUY', 0.8), vote('b', 'SELL', 0.6), vote('c', 'HOLD', 0.5)], {
      minAgreement: 0.5,
    });
    // BUY has 0.8 of 1.9 (42 %): not enough, so HOLD at its own score 0.5 / 3.
    expect(tally).toMatchObject({ action: 'HOLD', confidence: 0.1667, agreement: 0.2632 });
  });

  it('weights votes by the model weight', () => {
    expect(combineVotes([vote('a', 'BUY', 0.6, 3), vote('b', 'SELL', 0.9)], { minAgreement: 0.5 })).toMatchObject({
      action: 'BUY',
      confidence: 0.45,
    });
  });

  it('resolves an exact BUY/SELL tie as HOLD, and a tie with CLOSE as CLOSE', () => {
    expect(combineVotes([vote('a', 'BUY', 0.7), vote('b', 'SELL', 0.7)], { minAgreement: 0 }).action).toBe('HOLD');
    expect(combineVotes([vote('a', 'BUY', 0.7), vote('b', 'CLOSE', 0.7)], { minAgreement: 0 }).action).toBe('CLOSE');
  });

  it('holds at confidence 0 with no votes at all', () => {
    expect(combineVotes([], { minAgreement: 0.5 })).toMatchObject({
      action: 'HOLD',
      confidence: 0,
      agreement: 0,
      winners: [],
    });
  });
});
