import { z } from 'zod';
import type { AgentDefinition, AnyAgentDefinition } from '../agents/kit/agent-definition.ts';
import type { BarOutput } from '../agents/kit/agent-output-store.ts';
import { defineQueue, type QueueDefinition } from './define-queue.ts';
import { SkippedRun, TaskRunData, TickData, TickResult } from './task-run-data.ts';

/** An agent's queue: the ticks of its timetable and its runs, one per symbol. */
export type AgentQueue<A extends AnyAgentDefinition> = QueueDefinition<
  A['name'],
  {
    tick: { description: string; data: typeof TickData; result: typeof TickResult };
    run: {
      description: string;
      data: typeof TaskRunData;
      result: z.ZodType<z.output<A['result']> | SkippedRun, z.input<A['result']> | SkippedRun>;
    };
  }
>;

/** The queue definition of an agent, from its name, run result schema and queue policy. */
export function agentQueueOf<Name extends string, Output extends BarOutput, Result extends z.ZodType>(
  agent: AgentDefinition<Name, Output, Result>,
): AgentQueue<AgentDefinition<Name, Output, Result>> {
  const { runDescription, ...policy } = agent.queue;
  // The union's output is its options' outputs; TypeScript cannot follow that through a generic option.
  const runResult = z.union([agent.result, SkippedRun]) as z.ZodType<
    z.output<Result> | SkippedRun,
    z.input<Result> | SkippedRun
  >;
  return defineQueue({
    name: agent.name,
    ...policy,
    jobs: {
      tick: { description: 'scheduler tick: one run per configured symbol', data: TickData, result: TickResult },
      // A busy run is skipped (`runExclusively`) whatever the agent: the machinery adds that outcome.
      run: { description: runDescription, data: TaskRunData, result: runResult },
    },
  });
}
