import type { RiskRule } from './risk-rule.ts';

/** Denies an entry without a stop-loss while `stopLoss.required` is on. */
export const stopLossRequiredRule: RiskRule = ({ proposal, config, reducesExposure }) =>
  !reducesExposure && config.stopLoss.required && proposal.stopLoss === null
    ? { deny: { rule: 'stop_loss_required', message: 'an entry needs a stop-loss' } }
    : undefined;
