import { FlowProducer, Queue } from 'bullmq';
import { agentRegistry } from '../agents/agent-registry.ts';
import type { AnyAgentDefinition } from '../agents/kit/agent-definition.ts';
import type { AnyQueueDefinition, JobHandlers } from '../queues/define-queue.ts';
import type { CatalogQueueName } from '../queues/queue-catalog.ts';
import { createQueueWorker, redisOutageLogger, type QueueWorker } from './create-queue-worker.ts';
import { decisionHandlers } from './handlers/decision-handlers.ts';
import { marketDataHandlers } from './handlers/market-data-handlers.ts';
import { agentHandlers } from './handlers/agent-handlers.ts';
import { executionHandlers } from './handlers/execution-handlers.ts';
import { reconcileHandlers } from './handlers/reconcile-handlers.ts';
import { portfolioHandlers, type RebalanceTiming } from './handlers/portfolio-handlers.ts';
import { riskHandlers, type RiskDeps } from './handlers/risk-handlers.ts';
import type { ExchangePort } from '../exchange/exchange-port.ts';
import type { JobOutcome } from './job-outcome.ts';
import { taskQueueCatalog } from './task-queue-catalog.ts';
import type { TaskDeps } from './task-deps.ts';

/** A queue of the catalog, or of an agent given in `StartTaskWorkersOptions.agents`. */
export type WorkerQueueName = CatalogQueueName | (string & {});

export interface TaskWorkers {
  readonly workers: ReadonlyMap<WorkerQueueName, QueueWorker>;
  /** Graceful stop: active jobs get `deadlineMs` to finish, then are put back in their queues. */
  close(deadlineMs: number): Promise<void>;
}

/**
 * Starts this process's workers for `queues` (default every queue of the catalog). Every
 * process runs the same code: start as many as you like, on as many machines as you like.
 */
export interface StartTaskWorkersOptions {
  /** Default: every queue of the catalog (without `execution` when there is no exchange). */
  queues?: readonly WorkerQueueName[];
  /** The analysis agents, each with its queue and its place in the decision flow. Default: `agentRegistry`. */
  agents?: readonly AnyAgentDefinition[];
  onOutcome?: (outcome: JobOutcome) => void;
  /** What the risk worker reads: the trading state and the account. */
  risk: Pick<RiskDeps, 'control' | 'portfolio'>;
  /**
   * Where the execution worker sends approved orders and where the portfolio worker reads the
   * balances; without one neither runs (the portfolio worker is then left out, with a warning
   * when it was asked for).
   */
  exchange?: ExchangePort;
  /** How rebalance legs wait for their orders (tests shorten it). */
  rebalance?: RebalanceTiming;
  /** Jobs at once per queue in this process, instead of the catalog's (`bench:scale` compares workers at one). */
  concurrency?: Partial<Record<WorkerQueueName, number>>;
}

export async function startTaskWorkers(deps: TaskDeps, options: StartTaskWorkersOptions): Promise<TaskWorkers> {
  const agents = options.agents ?? agentRegistry;
  const catalog: Record<string, AnyQueueDefinition> = taskQueueCatalog(agents);
  const all = Object.keys(catalog);
  const needsExchange = (name: WorkerQueueName) => name === 'execution' || name === 'portfolio' || name === 'reconcile';
  const requested = options.queues ?? all.filter((name) => !needsExchange(name) || options.exchange !== undefined);
  if (requested.includes('execution') && !options.exchange) throw new Error('the execution worker needs an exchange');
  if (requested.includes('portfolio') && !options.exchange)
    deps.logger.warn({}, 'the portfolio worker needs an exchange to read balances from: not started');
  const names = requested.filter(
    (name) => (name !== 'portfolio' && name !== 'reconcile') || options.exchange !== undefined,
  );
  const queues: Queue[] = [];
  const openQueue = (name: string) => {
    const queue = new Queue(name, { connection: deps.connection, prefix: deps.keys.queuePrefix });
    queues.push(queue);
    return queue;
  };
  const flows = new FlowProducer({ connection: deps.connection, prefix: deps.keys.queuePrefix });

  const handlersOf = (name: WorkerQueueName): JobHandlers<AnyQueueDefinition> => {
    switch (name) {
      case 'market-data':
        return marketDataHandlers(deps, openQueue(name));
      case 'decision':
        return decisionHandlers(deps, openQueue(name), flows, agents);
      case 'reconcile':
        return reconcileHandlers({
          ...deps,
          exchange: options.exchange!,
          executionQueue: openQueue('execution'),
          reconcileQueue: openQueue(name),
        });
      case 'portfolio':
        return portfolioHandlers({
          ...deps,
          exchange: options.exchange!,
          queues: { portfolio: openQueue(name), risk: openQueue('risk'), execution: openQueue('execution') },
          flows,
          timing: options.rebalance,
        });
      case 'risk':
        return riskHandlers({ ...deps, ...options.risk, executionQueue: openQueue('execution') });
      case 'execution':
        return executionHandlers(deps, options.exchange!);
      default: {
        const agent = agents.find((a) => a.name === name);
        if (agent === undefined) throw new Error(`no queue named ${name}`);
        return agentHandlers(deps, openQueue(name), agent);
      }
    }
  };

  const workers = new Map<WorkerQueueName, QueueWorker>();
  // One outage, one line for the whole process, whichever of its workers notices first.
  const redisOutage = redisOutageLogger(deps.logger);
  for (const name of names) {
    const definition = catalog[name];
    if (definition === undefined) throw new Error(`no queue named ${name}`);
    workers.set(
      name,
      createQueueWorker(
        definition,
        handlersOf(name),
        { ...deps, onOutcome: options.onOutcome, redisOutage },
        { concurrency: options.concurrency?.[name] ?? definition.concurrency },
      ),
    );
  }
  await Promise.all([...workers.values()].map((w) => w.worker.waitUntilReady()));
  deps.logger.info({ queues: names }, 'workers started');

  return {
    workers,
    async close(deadlineMs) {
      await Promise.all([...workers.values()].map((w) => w.close(deadlineMs)));
      await Promise.all(queues.map((q) => q.close()));
      await flows.close();
    },
  };
}
