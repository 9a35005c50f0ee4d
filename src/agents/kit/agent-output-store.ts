import { and, desc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../db/open-database.ts';
import { agentOutputs } from '../../db/schema/agent-outputs.ts';
import { TriplegainError } from '../../shared/triplegain-error.ts';

/** Every stored output names the bar it speaks for, which keys its row. */
export type BarOutput = {
  timeframe: string;
  candleOpenTimeMs: number;
};

/** What the store needs of an agent: the name its rows are kept under, and the schema of its output. */
export interface AgentOutputKind<Name extends string = string, Output extends BarOutput = BarOutput> {
  name: Name;
  output: z.ZodType<Output>;
}

export interface SaveAgentOutputInput<Output> {
  /** Exchange pair, e.g. `BTC/USD`. */
  symbol: string;
  /** Carries its own `timeframe` and `candleOpenTimeMs`, which key the row. */
  output: Output;
  /** The run (flow) that produced it. */
  correlationId: string;
}

export interface StoredAgentOutput<Name extends string, Output extends BarOutput> {
  agent: Name;
  symbol: string;
  timeframe: string;
  candleOpenTimeMs: number;
  output: Output;
  correlationId: string;
  createdAt: Date;
}

/**
 * Stores an agent's output for one bar, once: a second save for the same agent, symbol,
 * timeframe and bar (a re-run, a retried job, a second worker) changes nothing and keeps the
 * first output.
 *
 * @returns `inserted: false` when that bar already had an output.
 * @throws TriplegainError `MESSAGE_INVALID` (not retryable) when the output fails its schema.
 */
export async function saveAgentOutputOf<Name extends string, Output extends BarOutput>(
  db: Db,
  agent: AgentOutputKind<Name, Output>,
  input: SaveAgentOutputInput<Output>,
): Promise<{ inserted: boolean }> {
  const output = parseOutput(agent, input.output, 'save');
  const { timeframe, candleOpenTimeMs }: { timeframe: string; candleOpenTimeMs: number } = output;
  const rows = await db
    .insert(agentOutputs)
    .values({
      agent: agent.name,
      symbol: input.symbol,
      timeframe,
      candleOpenTime: new Date(candleOpenTimeMs),
      output,
      correlationId: input.correlationId,
    })
    .onConflictDoNothing({
      target: [agentOutputs.agent, agentOutputs.symbol, agentOutputs.timeframe, agentOutputs.candleOpenTime],
    })
    .returning({ id: agentOutputs.id });
  return { inserted: rows.length > 0 };
}

export interface LoadAgentOutputQuery {
  timeframe: string;
  /** The bar; absent: the newest bar that has an output. */
  candleOpenTimeMs?: number;
}

/**
 * The stored output of `agent` for `symbol`, parsed again with the agent's schema.
 *
 * @returns null when there is none.
 * @throws TriplegainError `MESSAGE_INVALID` when the stored output no longer fits the schema.
 */
export async function loadAgentOutputOf<Name extends string, Output extends BarOutput>(
  db: Db,
  agent: AgentOutputKind<Name, Output>,
  symbol: string,
  query: LoadAgentOutputQuery,
): Promise<StoredAgentOutput<Name, Output> | null> {
  const conditions = [
    eq(agentOutputs.agent, agent.name),
    eq(agentOutputs.symbol, symbol),
    eq(agentOutputs.timeframe, query.timeframe),
  ];
  if (query.candleOpenTimeMs !== undefined)
    conditions.push(eq(agentOutputs.candleOpenTime, new Date(query.candleOpenTimeMs)));
  const [row] = await db
    .select()
    .from(agentOutputs)
    .where(and(...conditions))
    .orderBy(desc(agentOutputs.candleOpenTime))
    .limit(1);
  if (row === undefined) return null;
  return {
    agent: agent.name,
    symbol: row.symbol,
    timeframe: row.timeframe,
    candleOpenTimeMs: row.candleOpenTime.getTime(),
    output: parseOutput(agent, row.output, 'load'),
    correlationId: row.correlationId,
    createdAt: row.createdAt,
  };
}

function parseOutput<Output extends BarOutput>(
  agent: AgentOutputKind<string, Output>,
  value: unknown,
  action: 'save' | 'load',
): Output {
  const parsed = agent.output.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(output)'}: ${i.message}`).join('; ');
    throw new TriplegainError('MESSAGE_INVALID', `cannot ${action} ${agent.name} output: ${issues}`, {
      agent: agent.name,
      issues: parsed.error.issues,
    });
  }
  return parsed.data;
}
