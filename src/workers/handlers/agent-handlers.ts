import type { Queue } from 'bullmq';
import type { z } from 'zod';
import type { AgentDefinition } from '../../agents/kit/agent-definition.ts';
import type { BarOutput } from '../../agents/kit/agent-output-store.ts';
import { agentQueueOf, type AgentQueue } from '../../queues/agent-queue.ts';
import type { JobHandlers } from '../../queues/define-queue.ts';
import { fanOutTick } from '../fan-out-tick.ts';
import { runExclusively } from '../run-exclusively.ts';
import type { TaskDeps } from '../task-deps.ts';

/**
 * The worker of an analysis agent: a tick adds one run per configured symbol; a run holds the
 * (agent, symbol) lease while the agent analyses, stores and publishes (see the agent's `run`).
 */
export function agentHandlers<Name extends string, Output extends BarOutput, Result extends z.ZodType>(
  deps: TaskDeps,
  queue: Queue,
  agent: AgentDefinition<Name, Output, Result>,
): JobHandlers<AgentQueue<AgentDefinition<Name, Output, Result>>> {
  const definition = agentQueueOf(agent);
  return {
    tick: fanOutTick({ ...deps, queue, definition }, agent.name, () => deps.config.symbols.pairs),
    run: (data, ctx) =>
      runExclusively(deps, data, ctx, () =>
        agent.run(deps, {
          symbol: data.symbol,
          correlationId: data.correlationId,
          signal: ctx.signal,
          logger: ctx.logger,
        }),
      ),
  };
}
