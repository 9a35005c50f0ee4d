import type { FlowChildJob, FlowProducer } from 'bullmq';
import { decisionQueue, regimeQueue, sentimentQueue, taQueue, type DecideData } from './queue-catalog.ts';
import { jobOptionsOf, type AnyQueueDefinition } from './define-queue.ts';
import { symbolSlug } from '../market/symbol-slug.ts';
import type { TaskRunData } from './task-run-data.ts';

export interface DecisionFlowArgs {
  symbol: string;
  tickId: string;
  /** Add the sentiment run as an optional input. */
  withSentiment: boolean;
}

/** The id of a decision flow's parent job. */
export function decisionJobId(symbol: string, tickId: string): string {
  return `decision.${symbolSlug(symbol)}.${tickId}`;
}

/**
 * Adds one decision flow for a symbol: fresh TA and regime runs (required: a failure fails the
 * decision) and, when asked, a sentiment run (optional: a failure is left out), then the
 * `decide` job, which BullMQ starts only once every child has finished and which reads the
 * children's results. ARCHITECTURE §1, §3.
 */
export async function addDecisionFlow(flows: FlowProducer, args: DecisionFlowArgs): Promise<string> {
  const parentJobId = decisionJobId(args.symbol, args.tickId);
  const correlationId = parentJobId;
  const child = (definition: AnyQueueDefinition, task: string, policy: 'required' | 'optional'): FlowChildJob => ({
    name: 'run',
    queueName: definition.name,
    data: { task, symbol: args.symbol, tickId: args.tickId, correlationId, mode: 'flow' } satisfies TaskRunData,
    opts: {
      jobId: `${task}.${symbolSlug(args.symbol)}.flow-${args.tickId}`,
      ...jobOptionsOf(definition),
      ...(policy === 'required' ? { failParentOnFailure: true } : { ignoreDependencyOnFailure: true }),
    },
  });
  const children = [child(taQueue, 'ta', 'required'), child(regimeQueue, 'regime', 'required')];
  if (args.withSentiment) children.push(child(sentimentQueue, 'sentiment', 'optional'));
  await flows.add({
    name: 'decide',
    queueName: decisionQueue.name,
    data: { symbol: args.symbol, tickId: args.tickId, correlationId } satisfies DecideData,
    opts: { jobId: parentJobId, ...jobOptionsOf(decisionQueue) },
    children,
  });
  return parentJobId;
}
