import type { SchedulesConfig } from '../config/sections/schedules-config.ts';
import type { ScheduledOf } from '../agents/contracts/agent-contract-parts.ts';
import { agentContracts } from '../agents/contracts/agent-contracts.ts';
import { catalogQueueNames } from './catalog-queue-names.ts';

/** One BullMQ queue per task of the catalog, and `alerts` (deliveries to the operator's receivers, `src/alerts`). ARCHITECTURE §3. */
export const queueNames = [...catalogQueueNames, 'alerts'] as const;
export type QueueName = (typeof queueNames)[number];

/** A task that runs on a timetable: its key in `schedules` config (every key but `leaseTtlMs`). */
export type ScheduledTask = Exclude<keyof SchedulesConfig, 'leaseTtlMs'>;

type ScheduledAgent = ScheduledOf<typeof agentContracts>['name'];

/** A scheduled agent's ticks and runs go to its own queue, named after it. */
const scheduledAgentQueues = Object.fromEntries(
  agentContracts.flatMap((c) => ('schedule' in c ? [[c.name, c.name]] : [])),
) as Record<ScheduledAgent, QueueName>;

/** The queue each scheduled task's ticks and runs go to. */
export const scheduledTaskQueues: Record<ScheduledTask, QueueName> = {
  marketData: 'market-data',
  ...scheduledAgentQueues,
  decision: 'decision',
  portfolio: 'portfolio',
};
export const scheduledTasks = Object.keys(scheduledTaskQueues) as ScheduledTask[];
