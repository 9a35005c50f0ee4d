import type { RiskRule } from './risk-rule.ts';

/** Denies an entry whose confidence is below `minConfidence`; exactly `minConfidence` passes. */
export const minConfidenceRule: RiskRule = ({ proposal, config, reducesExposure }) =>
  !reducesExposure && proposal.confidence < config.minConfidence
    ? {
        deny: {
          rule: 'min_confidence',
          message: `confidence ${proposal.confidence} is below the minimum ${config.minConfidence}`,
        },
      }
    : undefined;
