import type { RiskRule } from './risk-rule.ts';

/**
 * The kill switch at the risk engine: while the cluster is PAUSED or HALTED only orders that
 * reduce exposure are approved. The execution fence refuses them again before they leave; this
 * keeps approvals (and their reservations) from piling up behind a halt.
 */
export const clusterStateRule: RiskRule = ({ context, reducesExposure }) => {
  if (context.clusterState === 'RUNNING' || reducesExposure) return undefined;
  return {
    deny: {
      rule: 'cluster_state',
      message: `the cluster is ${context.clusterState}: only orders that reduce exposure are approved`,
    },
  };
};
