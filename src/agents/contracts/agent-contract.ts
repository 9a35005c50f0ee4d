import type { z } from 'zod';
import type { MessageDefinition } from '../../bus/define-message.ts';

/** The default timetable of a scheduled agent: the defaults of its `schedules.<name>` section. */
export interface ScheduleDefaults {
  enabled: boolean;
  everyMs: number;
  timeoutMs: number;
}

/**
 * What an agent declares to the layers below it, apart from its run: the bus messages it
 * publishes, its `agents.<name>` config section and, when it runs on a timetable, its default
 * schedule. The bus catalog, the config schema and the scheduler compose these from
 * `agentContracts`, so they never name an agent.
 *
 * A contract and everything it holds import only libraries and the bottom layers (field
 * builders, decimal strings, the analysis periods): the bus and the config load it, and an
 * agent's run imports the bus and the config. Its messages are therefore plain definitions
 * checked with `satisfies MessageDefinition` rather than built with the bus's `defineMessage`, and a
 * contract is checked with `satisfies AgentContract` (type-only imports, erased at run time).
 */
export interface AgentContract<Name extends string = string> {
  /** The agent's name: its queue's, its task's, its config section's and its schedule's key. */
  readonly name: Name;
  /** Every bus message the agent publishes. */
  readonly messages: readonly MessageDefinition[];
  /** Its `agents.<name>` section: strict, and `.prefault({})` so that an absent section takes the defaults. */
  readonly config: z.ZodType;
  /** Its timetable's defaults; an agent without one runs only as an input of decision flows. */
  readonly schedule?: ScheduleDefaults;
}
