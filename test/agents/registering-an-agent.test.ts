import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { agentRegistry } from '../../src/agents/agent-registry.ts';
import { loadAgentOutputOf } from '../../src/agents/kit/agent-output-store.ts';
import { decisionJobId } from '../../src/queues/add-decision-flow.ts';
import { symbolSlug } from '../../src/market/symbol-slug.ts';
import { readFlowInputs } from '../../src/workers/read-flow-inputs.ts';
import { echoAgent, echoOutputs } from '../fixtures/agents/echo/echo-agent.ts';
import { allQueues, createTaskHarness, type TaskHarness } from '../support/task-harness.ts';

/** A market time the recordings of both pairs cover, a minute after a bar closed. */
const MARKET_MS = Date.UTC(2022, 2, 1, 12, 1);
const LAST_BAR_MS = Date.UTC(2022, 2, 1, 11);

describe('an agent registered beside the shipped ones', () => {
  let h: TaskHarness | undefined;
  let echoQueue: Queue | undefined;
  afterEach(async () => {
    await echoQueue?.close();
    await h?.cleanup();
    h = undefined;
    echoQueue = undefined;
  });

  it('gets its queue and worker, runs as an input of every decision flow, and its output is stored and read by the decision', async () => {
    h = await createTaskHarness({ clockMs: MARKET_MS });
    const agents = [...agentRegistry, echoAgent];
    await h.startWorkers([...allQueues, echoAgent.name], { agents });
    const md = await h.runTick('market-data');
    for (const symbol of h.config.symbols.pairs) {
      const run = await h.settled('market-data', `marketData.${symbolSlug(symbol)}.${md.tickId}`);
      expect(run.state, run.failedReason).toBe('completed');
    }

    const tick = await h.runTick('decision');
    expect(tick).toMatchObject({ enqueued: 2, skipped: [] });
    echoQueue = new Queue(echoAgent.name, { connection: h.deps.connection, prefix: h.t.keys.queuePrefix });
    for (const symbol of h.config.symbols.pairs) {
      const decideId = decisionJobId(symbol, tick.tickId);
      const decide = await h.settled('decision', decideId);
      expect(decide.state, decide.failedReason).toBe('completed');

      // Its queue got the flow's run, its worker ran it before the decision started.
      const echoJob = await echoQueue.getJob(`echo.${symbolSlug(symbol)}.flow-${tick.tickId}`);
      expect(echoJob).toBeDefined();
      expect(await echoJob!.getState()).toBe('completed');
      const output = { symbol, timeframe: '1h', candleOpenTimeMs: LAST_BAR_MS };
      expect(echoJob!.returnvalue).toEqual({ status: 'emitted', output, inserted: true });
      expect(echoJob!.finishedOn!).toBeLessThanOrEqual(decide.processedOn!);

      // Its output is stored where agent outputs go…
      const stored = await loadAgentOutputOf(h.database.db, echoOutputs, symbol, { timeframe: '1h' });
      expect(stored).toMatchObject({ agent: 'echo', output, correlationId: decideId });

      // …and is one of the decision's flow inputs, beside TA and regime.
      const job = await h.queue('decision').getJob(decideId);
      const inputs = await readFlowInputs(job!, agents);
      expect(Object.keys(inputs).sort()).toEqual(['echo', 'regime', 'ta']);
      expect(inputs.echo).toEqual(output);
    }
  }, 60_000);
});
