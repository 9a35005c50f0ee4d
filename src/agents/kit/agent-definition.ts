import { z } from 'zod';
import type { Bus } from '../../bus/bus.ts';
import type { Clock } from '../../clock/clock.ts';
import type { AppConfig } from '../../config/app-config.ts';
import type { Db } from '../../db/open-database.ts';
import type { ModelGateway } from '../../llm/model-gateway.ts';
import type { Logger } from '../../shared/logger.ts';
import type { AgentOutputKind, BarOutput } from './agent-output-store.ts';

/** What an agent's run reads and writes through: built once per worker process. */
export interface AgentDeps {
  config: AppConfig;
  db: Db;
  bus: Bus;
  clock: Clock;
  gateway: ModelGateway;
}

/** One run of an agent for one symbol (a scheduled run or an input of a decision flow). */
export interface AgentRun {
  /** Exchange pair, e.g. `BTC/USD`. */
  symbol: string;
  /** The run (flow) that asked: stored with the output and carried by what it publishes. */
  correlationId: string;
  /** Fires at the job's timeout and when a shutdown deadline releases the job. */
  signal: AbortSignal;
  logger: Logger;
}

/** The few numbers that say what an agent concluded, in reading order (for `explain`). */
export type AgentFigures = Record<string, string | number | null>;

/** How the agent's queue treats its jobs (see `QueueDefinition`). */
export interface AgentQueuePolicy {
  /** What the queue is for, e.g. on Bull Board. */
  description: string;
  /** What one `run` job does. */
  runDescription: string;
  concurrency: number;
  /** Tries of one job, the first included (1: no retry). */
  attempts: number;
  /** First retry delay; doubles with each further retry. */
  backoffMs: number;
  keep: { completed: number; failed: number };
  /** A run longer than this fails with `JOB_TIMEOUT`. */
  timeoutMs(config: AppConfig): number;
}

/**
 * An analysis agent: everything the machinery needs to queue, run, store, feed into the
 * decision flow and explain it. The agent's name is its queue's name, its task's name, the
 * key its outputs are stored under and the key of its input in a decision flow.
 */
export interface AgentDefinition<
  Name extends string = string,
  Output extends BarOutput = BarOutput,
  Result extends z.ZodType = z.ZodType,
> extends AgentOutputKind<Name, Output> {
  /**
   * What a run ends with: `emittedRun(output)`, or a union with other outcomes (an
   * abstention); the queue adds `skipped` (a busy run) itself.
   */
  result: Result;
  queue: AgentQueuePolicy;
  /**
   * Its part in a decision flow: a `required` input's failure fails the decision; an
   * `optional` one is left out when it fails, when it is not `enabled`, and below NORMAL.
   */
  flowInput: 'required' | 'optional';
  /** Whether a decision flow asks for it at all (default: always). */
  enabled?(config: AppConfig): boolean;
  /** The run: analyse, store (once per bar), publish what is new. */
  run(deps: AgentDeps, run: AgentRun): Promise<z.input<Result>>;
  /** What `explain` shows of a stored output. */
  figures(output: Output): AgentFigures;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any agent of the registry
export type AnyAgentDefinition = AgentDefinition<string, any, z.ZodType>;

export function defineAgent<const Name extends string, Output extends BarOutput, Result extends z.ZodType>(
  definition: AgentDefinition<Name, Output, Result>,
): AgentDefinition<Name, Output, Result> {
  return definition;
}

/** A run that produced `output`; `inserted` is false when the bar already had one. */
export function emittedRun<O extends z.ZodType>(output: O) {
  return z.object({ status: z.literal('emitted'), output, inserted: z.boolean() }).strict();
}
