import type { AgentContract, ScheduleDefaults } from './agent-contract.ts';

type Contracts = readonly AgentContract[];

/** The agents' names, in order. */
export type NamesOf<C extends Contracts> = { readonly [K in keyof C]: C[K]['name'] };
/** Each agent's `agents.<name>` section schema, by name. */
export type ConfigSectionsOf<C extends Contracts> = { [A in C[number] as A['name']]: A['config'] };
/** Every agent's messages, by message type. */
export type MessagesOf<C extends Contracts> = { [M in C[number]['messages'][number] as M['type']]: M };
/** The agents that run on a timetable. */
export type ScheduledOf<C extends Contracts> = Extract<C[number], { schedule: ScheduleDefaults }>;

export function namesOf<const C extends Contracts>(contracts: C): NamesOf<C> {
  return contracts.map((c) => c.name) as unknown as NamesOf<C>;
}

export function configSectionsOf<const C extends Contracts>(contracts: C): ConfigSectionsOf<C> {
  return Object.fromEntries(contracts.map((c) => [c.name, c.config])) as ConfigSectionsOf<C>;
}

export function messagesOf<const C extends Contracts>(contracts: C): MessagesOf<C> {
  return Object.fromEntries(contracts.flatMap((c) => c.messages.map((m) => [m.type, m]))) as MessagesOf<C>;
}

/** The scheduled agents' default timetables, by name, in order. */
export function schedulesOf<const C extends Contracts>(
  contracts: C,
): { [A in ScheduledOf<C> as A['name']]: ScheduleDefaults } {
  return Object.fromEntries(contracts.flatMap((c) => (c.schedule === undefined ? [] : [[c.name, c.schedule]]))) as {
    [A in ScheduledOf<C> as A['name']]: ScheduleDefaults;
  };
}
