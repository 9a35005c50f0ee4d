import type { Queue } from 'bullmq';
import type { OrderProposal } from '../risk/order-proposal.ts';
import { jobOptionsOf } from './define-queue.ts';
import { riskQueue, type EvaluateRiskData } from './queue-catalog.ts';

/** The risk job of a proposal: keyed by it, so a proposal delivered twice adds no second one. */
export function riskJobIdOf(proposalId: string): string {
  return `risk.${proposalId}`;
}

/** Adds the risk job of `proposal` (once per proposal id: BullMQ ignores an id it holds). */
export async function addRiskJob(queue: Queue, proposal: OrderProposal): Promise<void> {
  await queue.add('evaluate', { proposal } satisfies EvaluateRiskData, {
    jobId: riskJobIdOf(proposal.proposalId),
    ...jobOptionsOf(riskQueue),
  });
}
