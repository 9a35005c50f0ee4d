import type { RiskRule } from './risk-rule.ts';

/**
 * Denies an entry without a stop-loss while `stopLoss.required` is on. A rebalance
 * (`purpose: 'rebalance'`) is exempt: it buys toward a target allocation, held as such, with
 * no exit plan a stop would belong to.
 */
export const stopLossRequiredRule: RiskRule = ({ proposal, config, reducesExposure }) =>
  !reducesExposure && proposal.purpose !== 'rebalance' && config.stopLoss.required && proposal.stopLoss === null
    ? { deny: { rule: 'stop_loss_required', message: 'an entry needs a stop-loss' } }
    : undefined;
