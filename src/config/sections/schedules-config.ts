import { z } from 'zod';
import { schedulesOf, type ScheduledOf } from '../../agents/contracts/agent-contract-parts.ts';
import type { AgentContract, ScheduleDefaults } from '../../agents/contracts/agent-contract.ts';
import { agentContracts } from '../../agents/contracts/agent-contracts.ts';
import { durationMs } from '../config-fields.ts';

/** A task's timetable, with its own defaults. */
function taskSchedule(defaults: ScheduleDefaults) {
  return z
    .object({
      /** Whether the scheduler creates this task's job scheduler at all. */
      enabled: z.boolean().default(defaults.enabled),
      /** Interval between runs, per symbol. An overrun skips the next run, never queues it. */
      everyMs: durationMs(1_000, 7 * 86_400_000).default(defaults.everyMs),
      /** A run that takes longer than this fails. */
      timeoutMs: durationMs(1_000, 3_600_000).default(defaults.timeoutMs),
    })
    .strict()
    .superRefine((s, ctx) => {
      if (s.timeoutMs > s.everyMs) {
        ctx.addIssue({
          code: 'custom',
          path: ['timeoutMs'],
          message: `${s.timeoutMs} is longer than everyMs (${s.everyMs}); a run must end before the next one is due`,
        });
      }
    })
    .prefault({});
}

type TaskSchedule = ReturnType<typeof taskSchedule>;

/** The timetables of the scheduled agents, by name, with the defaults of their contracts. */
function agentSchedules<const C extends readonly AgentContract[]>(
  contracts: C,
): { [A in ScheduledOf<C> as A['name']]: TaskSchedule } {
  const schedules: Record<string, ScheduleDefaults> = schedulesOf(contracts);
  return Object.fromEntries(Object.entries(schedules).map(([name, defaults]) => [name, taskSchedule(defaults)])) as {
    [A in ScheduledOf<C> as A['name']]: TaskSchedule;
  };
}

/**
 * The `schedules` section of the given agents: one job scheduler per task (BullMQ
 * `upsertJobScheduler`), each scheduled agent's between market data and the decision.
 */
export function schedulesConfigOf<const C extends readonly AgentContract[]>(contracts: C) {
  return z
    .object({
      /** Fetch candles for every pair. */
      marketData: taskSchedule({ enabled: true, everyMs: 60_000, timeoutMs: 30_000 }),
      /** The scheduled agents (technical analysis, market regime, sentiment), from their contracts. */
      ...agentSchedules(contracts),
      /** Trading decision flow (TA and regime first, then the model panel). */
      decision: taskSchedule({ enabled: true, everyMs: 3_600_000, timeoutMs: 300_000 }),
      /** Portfolio valuation and rebalance check. */
      portfolio: taskSchedule({ enabled: true, everyMs: 3_600_000, timeoutMs: 300_000 }),
      /**
       * Wall time a (task, symbol) run's lease and a job's BullMQ lock live without renewal. A
       * live run renews both every third of it; a SIGKILLed worker's pairs are free again within
       * it, and its jobs are back in the queue within twice it.
       */
      leaseTtlMs: durationMs(3_000, 60_000).default(15_000),
    })
    .strict();
}

/** The `schedules` section of the registered agents and the system's tasks. */
export const SchedulesConfig = schedulesConfigOf(agentContracts);
export type SchedulesConfig = z.infer<typeof SchedulesConfig>;
