import type { RiskRule } from './risk-rule.ts';

/**
 * Denies a trade entry into a pair that already has `maxAddsPerPosition + 1` entries in its
 * open position or on their way into it (`context.symbolEntries`): with the default 0, one
 * entry per position, so a signal repeated bar after bar does not buy again each time. Exits,
 * reductions and a rebalance's trades are not entries.
 */
export const maxAddsRule: RiskRule = ({ proposal, context, config, reducesExposure }) => {
  if (reducesExposure || proposal.intent !== 'entry' || proposal.purpose === 'rebalance') return undefined;
  const entries = context.symbolEntries;
  if (entries <= config.maxAddsPerPosition) return undefined;
  const adds = entries - 1;
  return {
    deny: {
      rule: 'max_adds',
      message: `${proposal.symbol} already has ${entries} ${entries === 1 ? 'entry' : 'entries'} open or on the way (${adds} ${adds === 1 ? 'add' : 'adds'}); risk.maxAddsPerPosition is ${config.maxAddsPerPosition}`,
    },
  };
};
