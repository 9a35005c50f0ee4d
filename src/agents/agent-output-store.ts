import { and, desc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../db/open-database.ts';
import { agentOutputs } from '../db/schema/agent-outputs.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import { RegimeOutput } from './regime/regime-output.ts';
import { SentimentOutput } from './sentiment/sentiment-output.ts';
import { TaOutput } from './ta/ta-output.ts';

/** Every agent whose output is stored, and the type of that output. */
interface AgentOutputs {
  ta: TaOutput;
  regime: RegimeOutput;
  sentiment: SentimentOutput;
}

export type AgentName = keyof AgentOutputs;
export type AgentOutputOf<A extends AgentName> = AgentOutputs[A];

const outputSchemas: { [A in AgentName]: z.ZodType<AgentOutputs[A]> } = {
  ta: TaOutput,
  regime: RegimeOutput,
  sentiment: SentimentOutput,
};

export interface SaveAgentOutputInput<A extends AgentName> {
  agent: A;
  /** Exchange pair, e.g. `BTC/USD`. */
  symbol: string;
  /** Carries its own `timeframe` and `candleOpenTimeMs`, which key the row. */
  output: AgentOutputOf<A>;
  /** The run (flow) that produced it. */
  correlationId: string;
}

export interface StoredAgentOutput<A extends AgentName> {
  agent: A;
  symbol: string;
  timeframe: string;
  candleOpenTimeMs: number;
  output: AgentOutputOf<A>;
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
export async function saveAgentOutput<A extends AgentName>(
  db: Db,
  input: SaveAgentOutputInput<A>,
): Promise<{ inserted: boolean }> {
  const output = parseOutput(input.agent, input.output, 'save');
  const { timeframe, candleOpenTimeMs }: { timeframe: string; candleOpenTimeMs: number } = output;
  const rows = await db
    .insert(agentOutputs)
    .values({
      agent: input.agent,
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
export async function loadAgentOutput<A extends AgentName>(
  db: Db,
  agent: A,
  symbol: string,
  query: LoadAgentOutputQuery,
): Promise<StoredAgentOutput<A> | null> {
  const conditions = [
    eq(agentOutputs.agent, agent),
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
    agent,
    symbol: row.symbol,
    timeframe: row.timeframe,
    candleOpenTimeMs: row.candleOpenTime.getTime(),
    output: parseOutput(agent, row.output, 'load'),
    correlationId: row.correlationId,
    createdAt: row.createdAt,
  };
}

function parseOutput<A extends AgentName>(agent: A, value: unknown, action: 'save' | 'load'): AgentOutputOf<A> {
  const parsed = outputSchemas[agent].safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(output)'}: ${i.message}`).join('; ');
    throw new TriplegainError('MESSAGE_INVALID', `cannot ${action} ${agent} output: ${issues}`, {
      agent,
      issues: parsed.error.issues,
    });
  }
  return parsed.data;
}
