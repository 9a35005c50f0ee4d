import type { Job } from 'bullmq';
import type { RegimeOutput } from '../agents/regime/regime-output.ts';
import type { SentimentOutput } from '../agents/sentiment/sentiment-output.ts';
import type { TaOutput } from '../agents/ta/ta-output.ts';
import { RegimeRunResult, SentimentRunResult, TaRunResult } from '../queues/queue-catalog.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';

export interface FlowInputs {
  ta: TaOutput;
  regime: RegimeOutput;
  /** Absent when sentiment was not asked for, abstained, or failed (an optional input). */
  sentiment?: SentimentOutput;
}

/**
 * The results of a decision's children, read from the flow (never "whatever is latest"),
 * each parsed again with its catalog schema. BullMQ keys them `<prefix>:<queue>:<job id>`.
 *
 * @throws TriplegainError `DATA_INVALID` (not retryable) when a required child's result is
 *   missing or not an emitted output.
 */
export async function readFlowInputs(job: Job): Promise<FlowInputs> {
  const values = await job.getChildrenValues();
  const byQueue = new Map<string, unknown>();
  for (const [key, value] of Object.entries(values)) {
    const parts = key.split(':');
    byQueue.set(parts[parts.length - 2] ?? '', value);
  }
  const ta = TaRunResult.safeParse(byQueue.get('ta'));
  const regime = RegimeRunResult.safeParse(byQueue.get('regime'));
  if (!ta.success || ta.data.status !== 'emitted' || !regime.success || regime.data.status !== 'emitted') {
    throw new TriplegainError(
      'DATA_INVALID',
      `decision ${job.id}: the flow has no TA and regime results (children: ${Object.keys(values).join(', ') || 'none'})`,
      { jobId: job.id },
    );
  }
  const sentiment = byQueue.has('sentiment') ? SentimentRunResult.safeParse(byQueue.get('sentiment')) : undefined;
  return {
    ta: ta.data.output,
    regime: regime.data.output,
    ...(sentiment?.success && sentiment.data.status === 'emitted' ? { sentiment: sentiment.data.output } : {}),
  };
}
