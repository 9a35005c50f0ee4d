import type { FlowChildJob, FlowProducer } from 'bullmq';
import type { AnyAgentDefinition } from '../agents/kit/agent-definition.ts';
import { agentQueueOf } from './agent-queue.ts';
import { decisionQueue, type DecideData } from './queue-catalog.ts';
import { jobOptionsOf } from './define-queue.ts';
import { symbolSlug } from '../market/symbol-slug.ts';
import type { TaskRunData } from './task-run-data.ts';

export interface DecisionFlowArgs {
  symbol: string;
  tickId: string;
  /**
   * The agents whose fresh runs are the decision's inputs, in order: each `required` one's
   * failure fails the decision, an `optional` one's failure is left out.
   */
  inputs: readonly AnyAgentDefinition[];
}

/** The id of a decision flow's parent job. */
export function decisionJobId(symbol: string, tickId: string): string {
  return `decision.${symbolSlug(symbol)}.${tickId}`;
}

/**
 * Adds one decision flow for a symbol: a fresh run of every input agent (TA and regime
 * required, sentiment optional), then the `decide` job, which BullMQ starts only once every
 * child has finished and which reads the children's results. ARCHITECTURE §1, §3.
 */
export async function addDecisionFlow(flows: FlowProducer, args: DecisionFlowArgs): Promise<string> {
  const parentJobId = decisionJobId(args.symbol, args.tickId);
  const correlationId = parentJobId;
  const child = (agent: AnyAgentDefinition): FlowChildJob => ({
    name: 'run',
    queueName: agent.name,
    data: {
      task: agent.name,
      symbol: args.symbol,
      tickId: args.tickId,
      correlationId,
      mode: 'flow',
    } satisfies TaskRunData,
    opts: {
      jobId: `${agent.name}.${symbolSlug(args.symbol)}.flow-${args.tickId}`,
      ...jobOptionsOf(agentQueueOf(agent)),
      ...(agent.flowInput === 'required' ? { failParentOnFailure: true } : { ignoreDependencyOnFailure: true }),
    },
  });
  await flows.add({
    name: 'decide',
    queueName: decisionQueue.name,
    data: { symbol: args.symbol, tickId: args.tickId, correlationId } satisfies DecideData,
    opts: { jobId: parentJobId, ...jobOptionsOf(decisionQueue) },
    children: args.inputs.map(child),
  });
  return parentJobId;
}
