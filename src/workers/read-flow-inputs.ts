import type { Job } from 'bullmq';
import { emittedRun, type AnyAgentDefinition } from '../agents/kit/agent-definition.ts';
import type { BarOutput } from '../agents/kit/agent-output-store.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';

/**
 * The outputs a decision's children emitted, by agent name. A required agent's output is
 * always there; an optional one's is absent when it was not asked for, abstained, or failed.
 */
export type FlowInputs = Readonly<Record<string, BarOutput>>;

/**
 * The results of a decision's children, read from the flow (never "whatever is latest"),
 * each parsed again with its agent's output schema. BullMQ keys them `<prefix>:<queue>:<job id>`.
 *
 * @throws TriplegainError `DATA_INVALID` (not retryable) when a required child's result is
 *   missing or not an emitted output.
 */
export async function readFlowInputs(job: Job, agents: readonly AnyAgentDefinition[]): Promise<FlowInputs> {
  const values = await job.getChildrenValues();
  const byQueue = new Map<string, unknown>();
  for (const [key, value] of Object.entries(values)) {
    const parts = key.split(':');
    byQueue.set(parts[parts.length - 2] ?? '', value);
  }
  const inputs: Record<string, BarOutput> = {};
  const missing: string[] = [];
  for (const agent of agents) {
    // A skipped or abstained run, or none at all, is no input.
    const emitted = emittedRun(agent.output).safeParse(byQueue.get(agent.name));
    if (emitted.success) inputs[agent.name] = emitted.data.output;
    else if (agent.flowInput === 'required') missing.push(agent.name);
  }
  if (missing.length > 0) {
    throw new TriplegainError(
      'DATA_INVALID',
      `decision ${job.id}: the flow has no ${missing.join(' and ')} results (children: ${Object.keys(values).join(', ') || 'none'})`,
      { jobId: job.id },
    );
  }
  return inputs;
}
