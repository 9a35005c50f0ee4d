import { describe, expect, it } from 'vitest';
import { agentRegistry } from '../../src/agents/agent-registry.ts';
import { messagesOf } from '../../src/agents/contracts/agent-contract-parts.ts';
import { agentContracts } from '../../src/agents/contracts/agent-contracts.ts';
import { messageCatalog } from '../../src/bus/message-catalog.ts';
import { AgentsConfig, agentsConfigOf } from '../../src/config/sections/agents-config.ts';
import { SchedulesConfig, schedulesConfigOf } from '../../src/config/sections/schedules-config.ts';
import { agentQueueNames } from '../../src/queues/catalog-queue-names.ts';
import { scheduledTaskQueues } from '../../src/queues/queue-names.ts';
import { echoContract } from '../fixtures/agents/echo/contract/echo-contract.ts';
import { PairEchoed } from '../fixtures/agents/echo/contract/pair-echoed.ts';

/**
 * An agent's message, config section and timetable live in its folder (its contract); the bus
 * catalog, the `agents` and `schedules` sections, the scheduled-task queues and the agent queue
 * names are composed from the list of contracts. Adding an agent to src/ is its folder plus one
 * line in `agentContracts` and one in `agentRegistry`: nothing else names it.
 */
describe("an agent's contract", () => {
  const contracts = [...agentContracts, echoContract] as const;

  it('adds its config section, with its defaults, to the agents section before the decision panel', () => {
    const agents = agentsConfigOf(contracts).parse({});
    expect(agents.echo).toEqual({ prefix: 'echo', ttlMs: 60_000 });
    expect(Object.keys(agents)).toEqual(['ta', 'regime', 'sentiment', 'echo', 'decision']);
    expect(agentsConfigOf(contracts).safeParse({ echo: { ttlMs: 10 } }).success).toBe(false);
  });

  it('adds its timetable, with its defaults, to the schedules between market data and the decision', () => {
    const schedules = schedulesConfigOf(contracts).parse({});
    expect(schedules.echo).toEqual({ enabled: false, everyMs: 120_000, timeoutMs: 10_000 });
    expect(Object.keys(schedules)).toEqual([
      'marketData',
      'ta',
      'regime',
      'sentiment',
      'echo',
      'decision',
      'portfolio',
      'leaseTtlMs',
    ]);
  });

  it('adds its messages to the bus catalog', () => {
    const messages = messagesOf(contracts);
    expect(messages['echo.pair_echoed']).toBe(PairEchoed);
    expect(Object.keys(messages)).toEqual([
      'ta.signal_emitted',
      'regime.detected',
      'sentiment.scored',
      'echo.pair_echoed',
    ]);
  });

  it('is how the shipped agents join the catalog, the config, the schedules and the queues', () => {
    for (const contract of agentContracts) {
      for (const message of contract.messages) expect(messageCatalog[message.type]).toBe(message);
      expect(AgentsConfig.shape[contract.name]).toBe(contract.config);
      expect(SchedulesConfig.shape).toHaveProperty(contract.name);
      expect(scheduledTaskQueues[contract.name]).toBe(contract.name);
    }
    expect(agentQueueNames).toEqual(agentRegistry.map((agent) => agent.name));
  });
});
