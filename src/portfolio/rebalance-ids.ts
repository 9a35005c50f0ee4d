import { symbolSlug } from '../market/symbol-slug.ts';

/**
 * Ids of a rebalance and of everything it adds, all derived from the portfolio tick that
 * planned it: a retried tick or batch job derives the same ids, so BullMQ (job ids), the
 * risk engine (proposal ids) and execution (client order ids, derived from the proposal)
 * each take a rebalance's work once. BullMQ ids may not contain `:`; none of these does.
 */
export const rebalanceIds = {
  /** The rebalance planned by the tick `tickId` (its due time); also the correlation id of its chain. */
  rebalance: (tickId: string): string => `rebal-${tickId}`,
  /** One job of a batch: its `sells` child or its `buys` parent. */
  batchJob: (rebalanceId: string, batchIndex: number, leg: 'sells' | 'buys'): string =>
    `portfolio.${rebalanceId}.b${batchIndex}.${leg}`,
  /** The rebalance a job id of `batchJob` belongs to; null for another id. */
  rebalanceOfBatchJob: (jobId: string): string | null =>
    /^portfolio\.(.+)\.b\d+\.(?:sells|buys)$/.exec(jobId)?.[1] ?? null,
  /** The proposal of one trade of a batch (one per symbol and side in a batch). */
  proposal: (rebalanceId: string, batchIndex: number, symbol: string, side: 'buy' | 'sell'): string =>
    `${rebalanceId}.b${batchIndex}.${symbolSlug(symbol)}.${side}`,
  /** The rebalance a proposal id of `proposal` belongs to; null for a proposal of another kind. */
  rebalanceOfProposal: (proposalId: string): string | null =>
    /^(rebal-[^.]+)\.b\d+\.[^.]+\.(?:buy|sell)$/.exec(proposalId)?.[1] ?? null,
} as const;
