import type { z } from 'zod';
import type { Db } from '../../src/db/open-database.ts';
import { agentRegistry } from '../../src/agents/agent-registry.ts';
import type { AnyAgentDefinition } from '../../src/agents/kit/agent-definition.ts';
import {
  loadAgentOutputOf,
  type AgentOutputKind,
  saveAgentOutputOf,
  type LoadAgentOutputQuery,
  type SaveAgentOutputInput,
  type StoredAgentOutput,
} from '../../src/agents/kit/agent-output-store.ts';

/**
 * The agent output store addressed by agent name, as the tests write and read it; the product
 * passes the agent's definition (`saveAgentOutputOf` / `loadAgentOutputOf`). Below: the output of every registered agent, by the
 * name it is stored under.
 */
type RegisteredOutputs = { [A in (typeof agentRegistry)[number] as A['name']]: z.output<A['output']> };
export type AgentName = keyof RegisteredOutputs;
export type AgentOutputOf<A extends AgentName> = RegisteredOutputs[A];

function agentNamed<A extends AgentName>(agent: A): AgentOutputKind<A, AgentOutputOf<A>> {
  const found: AnyAgentDefinition | undefined = agentRegistry.find((a) => a.name === agent);
  if (found === undefined) throw new Error(`no agent named ${agent}`);
  return { name: agent, output: found.output };
}

/** `saveAgentOutputOf` for a registered agent named by `input.agent`. */
export function saveAgentOutput<A extends AgentName>(
  db: Db,
  input: SaveAgentOutputInput<AgentOutputOf<A>> & { agent: A },
): Promise<{ inserted: boolean }> {
  const { agent, ...rest } = input;
  return saveAgentOutputOf(db, agentNamed(agent), rest);
}

/** `loadAgentOutputOf` for a registered agent named `agent`. */
export function loadAgentOutput<A extends AgentName>(
  db: Db,
  agent: A,
  symbol: string,
  query: LoadAgentOutputQuery,
): Promise<StoredAgentOutput<A, AgentOutputOf<A>> | null> {
  return loadAgentOutputOf(db, agentNamed(agent), symbol, query);
}
