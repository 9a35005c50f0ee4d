import { agentRegistry } from '../agents/agent-registry.ts';
import type { AgentFigures, AnyAgentDefinition } from '../agents/kit/agent-definition.ts';

/**
 * The few numbers that say what an agent concluded, in reading order (each agent's
 * `figures`: TA bias, confidence, close and the main indicators; the regime, its confidence
 * and metrics; the sentiment score). Empty for an unknown agent, or an output that no longer
 * fits its agent's schema (the whole output is explained as stored anyway).
 */
export function agentFigures(agent: string, output: unknown): AgentFigures {
  const definition: AnyAgentDefinition | undefined = agentRegistry.find((a) => a.name === agent);
  if (definition === undefined) return {};
  const parsed = definition.output.safeParse(output);
  return parsed.success ? definition.figures(parsed.data) : {};
}
