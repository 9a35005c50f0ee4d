import { allowedLeverage } from '../../market/instrument-rules.ts';
import type { RiskRule } from './risk-rule.ts';

/**
 * Denies an entry whose leverage the pair does not offer: above 1 (after the snap down to a
 * listed leverage, `atAllowedLeverage`) but below every leverage the pair's `leverage_buy`
 * (`leverage_sell` for a sell) lists, or on a pair that lists none (spot only). Kraken would
 * refuse it. A pair without known rules is not checked here (the order path refuses it).
 */
export const leverageNotAllowedRule: RiskRule = ({ proposal, context, reducesExposure }) => {
  const instrument = context.instrument;
  if (
    reducesExposure ||
    instrument === undefined ||
    allowedLeverage(instrument, proposal.side, proposal.leverage) !== null
  )
    return undefined;
  const listed = proposal.side === 'buy' ? instrument.leverageBuy : instrument.leverageSell;
  return {
    deny: {
      rule: 'leverage_not_allowed',
      message: `leverage ${proposal.leverage} is not offered on ${proposal.symbol} for a ${proposal.side} (${listed.length === 0 ? 'spot only' : `listed: ${listed.join(', ')}`})`,
    },
  };
};
