import { DelayedError, UnrecoverableError, type FlowProducer, type Queue } from 'bullmq';
import type { ExchangePort } from '../../exchange/exchange-port.ts';
import { timeframeMs } from '../../market/timeframes.ts';
import { clientOrderIdOf } from '../../model/client-order-id.ts';
import { loadOrder } from '../../orders/order-reads.ts';
import { addRebalanceBatches } from '../../queues/add-rebalance-batches.ts';
import { buildRebalanceProposal } from '../../portfolio/build-rebalance-proposal.ts';
import { coreHoldings } from '../../portfolio/core-holdings.ts';
import { fitLegToAccount } from '../../portfolio/fit-leg-to-account.ts';
import { loadHodlBags } from '../../portfolio/hodl-bag-store.ts';
import { latestPrices, marksOf } from '../../portfolio/latest-prices.ts';
import { planRebalance } from '../../portfolio/plan-rebalance.ts';
import type { PortfolioTickResult } from '../../portfolio/portfolio-tick-result.ts';
import { rebalanceIds } from '../../portfolio/rebalance-ids.ts';
import { recordValuation } from '../../portfolio/record-valuation.ts';
import type { RebalanceLegData, RebalanceLegResult } from '../../portfolio/rebalance-leg-job.ts';
import { settleTrade, type TradeSettlement } from '../../portfolio/settle-trade.ts';
import { splitIntoBatches } from '../../portfolio/split-into-batches.ts';
import { balancesEquity } from '../../portfolio/value-account.ts';
import { Dec, toStoredDecimal } from '../../positions/position-decimal.ts';
import { loadOpenPositions } from '../../positions/position-store.ts';
import { valuePosition } from '../../positions/valuation.ts';
import type { JobContext, JobHandlers } from '../../queues/define-queue.ts';
import { wallMsOf } from '../../queues/effective-schedules.ts';
import { claimFlowSlot } from '../../queues/flow-slot.ts';
import { EvaluateRiskResult, portfolioQueue } from '../../queues/queue-catalog.ts';
import { addRiskJob, riskJobIdOf } from '../../queues/risk-jobs.ts';
import { symbolSlug } from '../../market/symbol-slug.ts';
import { tickIdOf } from '../../queues/tick-id.ts';
import { riskDecisionOfProposal } from '../../risk/risk-decision-of-proposal.ts';
import { LEASE_MARGIN_MS } from '../lease-margin.ts';
import type { TaskDeps } from '../task-deps.ts';
import { executionJobIdOf } from '../../queues/execution-job-id.ts';

/** The `source` of what the portfolio task publishes. */
export const PORTFOLIO_SOURCE = 'portfolio';

/** How a rebalance leg waits for its trades to settle. */
export interface RebalanceTiming {
  /**
   * Between two looks at the leg's orders (the job is delayed in between, holding no worker),
   * wall time. Default 10 s.
   */
  pollMs?: number;
  /**
   * A leg whose trades have not all settled this long after it proposed them fails (and a
   * failed `sells` fails its batch's `buys`); market time (the task clock). Default two bars of
   * `marketData.timeframe` plus 10 minutes: the paper exchange fills a market order on the
   * next closed bar.
   */
  settleTimeoutMs?: number;
}

export interface PortfolioDeps extends Pick<TaskDeps, 'config' | 'db' | 'bus' | 'redis' | 'keys' | 'clock' | 'logger'> {
  /** Balances come from here; its name is the account (`paper`, `kraken`). */
  exchange: Pick<ExchangePort, 'name' | 'balances'>;
  /** `portfolio` (the slot's holder is looked up there), `risk` (proposals go there), `execution` (read only). */
  queues: { portfolio: Queue; risk: Queue; execution: Queue };
  flows: FlowProducer;
  timing?: RebalanceTiming;
}

/**
 * The portfolio task. ARCHITECTURE §6.
 *
 * `tick` (hourly, from the scheduler):
 * 1. values the account (balances at the latest closes, open positions at their marks), stores
 *    it as the snapshot of its slot (`recordValuation`) and publishes `portfolio.valued` on
 *    `portfolio_updates`;
 * 2. plans the rebalance of the core allocation (`coreHoldings`: the balances less what the
 *    strategy's open trades hold, their value counted as cash) with `planRebalance` (targets,
 *    threshold, minimum trade, the hodl bags of config and table) and splits it into DCA
 *    batches (`splitIntoBatches`);
 * 3. claims the account's one rebalance slot (a rebalance whose batches are still to run keeps
 *    it: a new tick then plans nothing, `in_progress`) and adds one flow per batch
 *    (`addRebalanceBatches`: `buys` parent, `sells` child, later batches delayed).
 *
 * `sells` and `buys` (one leg of one batch), in steps, the job being delayed between them:
 * 1. fit the planned trades to the core allocation now (`fitLegToAccount`: never into a hodl
 *    bag or a trade's holding, never more cash than there is), propose each to risk
 *    (`buildRebalanceProposal`; risk job id `risk.<proposal id>`), and record what was
 *    proposed in the job's data;
 * 2. look at each proposal: risk decision, then order (`settleTrade`); while some are pending,
 *    delay the job by `pollMs` (BullMQ `moveToDelayed`: no worker is held, and the wait
 *    survives restarts); once all have settled, complete with their outcomes; after
 *    `settleTimeoutMs` of market time, fail.
 * A later DCA batch's `sells` is delayed in BullMQ by its interval (in replay, its wall time at
 * the replay speed) and also waits, before step 1, until the market clock reaches its
 * `notBeforeMs`: the two agree live, and in a replay the market clock, not the wall, decides.
 * The risk engine approves or denies each trade, and an approval goes to execution, which
 * places it (market order, purpose `rebalance`), as for any other order.
 *
 * Idempotence: ids derive from the tick (see `rebalanceIds`), so a retried tick adds no second
 * flow and a retried leg proposes nothing twice (the risk job id is the proposal's, and the
 * risk engine and execution each act once per proposal).
 */
export function portfolioHandlers(deps: PortfolioDeps): JobHandlers<typeof portfolioQueue> {
  const timing = {
    pollMs: deps.timing?.pollMs ?? 10_000,
    settleTimeoutMs: deps.timing?.settleTimeoutMs ?? 2 * timeframeMs(deps.config.marketData.timeframe) + 600_000,
  };
  return {
    tick: (_data, ctx) => tick(deps, timing, ctx),
    sells: (data, ctx) => runLeg(deps, timing, 'sell', data, ctx),
    buys: (data, ctx) => runLeg(deps, timing, 'buy', data, ctx),
  };
}

type Timing = Required<RebalanceTiming>;

async function tick(deps: PortfolioDeps, timing: Timing, ctx: JobContext): Promise<PortfolioTickResult> {
  const { config } = deps;
  const { cashAsset } = config.symbols;
  const account = deps.exchange.name;
  const rebalanceId = rebalanceIds.rebalance(tickIdOf(ctx.job));
  const nowMs = deps.clock.now();

  const targeted = Object.keys(config.portfolio.targets).filter((asset) => asset !== cashAsset);
  // Persist, then publish.
  // A `background` read: the tick never takes the API counter's room from a stop or a trade; refused, it is retried (and the next tick values again).
  const { valuation, balances } = await recordValuation(deps, nowMs, ctx.signal, { priority: 'background' });
  const { equityUsd, cashUsd, exposureUsd, realizedPnlUsd, unrealizedPnlUsd } = valuation;
  await deps.bus.publish(
    'portfolio.valued',
    { equityUsd, cashUsd, exposureUsd, realizedPnlUsd, unrealizedPnlUsd },
    { source: PORTFOLIO_SOURCE, correlationId: rebalanceId },
  );

  const outcome = (
    rebalance: PortfolioTickResult['rebalance'],
    id: string | null = null,
    counts = { batches: 0, sells: 0, buys: 0 },
  ): PortfolioTickResult => ({ equityUsd, rebalance, rebalanceId: id, ...counts });
  const prices = await latestPrices(deps.db, { cashAsset, timeframe: config.marketData.timeframe, assets: targeted });
  const core = coreHoldings(balances, valuation.positions, cashAsset);
  const plan = planRebalance({
    // The core allocation, apart from the strategy's open trades; a negative balance (a margin short) is no holding to rebalance.
    balances: Object.fromEntries(
      [cashAsset, ...targeted].map((asset) => [
        asset,
        toStoredDecimal(Dec.max(0, asset === cashAsset ? core.planningCash : (core.holdings[asset] ?? '0'))),
      ]),
    ),
    prices: Object.fromEntries(targeted.map((asset) => [asset, prices[asset] ?? '0'])),
    targets: config.portfolio.targets,
    cashAsset,
    thresholdPct: config.portfolio.rebalanceThresholdPct,
    minTradeUsd: config.portfolio.minTradeUsd,
    hodlBags: await loadHodlBags(deps.db, config.portfolio.hodlBags),
  });
  if (!plan.needed) return outcome('not_needed');
  const batches = splitIntoBatches(plan, config.portfolio.dca, { minTradeUsd: config.portfolio.minTradeUsd });
  const last = batches.at(-1);
  if (last === undefined) return outcome('nothing_to_trade');

  // The slot names the last batch's parent: free once it has completed or failed, or after the TTL.
  const ttlMs = last.delayMs + 2 * (timing.settleTimeoutMs + portfolioQueue.timeoutMs(config)) + LEASE_MARGIN_MS;
  const parentJobId = rebalanceIds.batchJob(rebalanceId, last.index, 'buys');
  const holder = await claimFlowSlot(deps.redis, deps.queues.portfolio, {
    key: deps.keys.flowSlot('rebalance', symbolSlug(account)),
    parentJobId,
    ttlMs,
  });
  if (holder !== null) {
    const running = rebalanceIds.rebalanceOfBatchJob(holder) ?? holder;
    ctx.logger.debug({ rebalanceId: running, planned: rebalanceId }, 'rebalance in progress: nothing new planned');
    return outcome('in_progress', running);
  }
  await addRebalanceBatches(deps.flows, {
    rebalanceId,
    correlationId: rebalanceId,
    plannedAtMs: nowMs,
    wallMsOf: (ms) => wallMsOf(config, ms),
    batches,
  });
  const counts = { batches: batches.length, sells: plan.sells.length, buys: plan.buys.length };
  ctx.logger.info({ rebalanceId, ...counts, equityUsd }, 'rebalance planned');
  return outcome('planned', rebalanceId, counts);
}

async function runLeg(
  deps: PortfolioDeps,
  timing: Timing,
  side: 'buy' | 'sell',
  data: RebalanceLegData,
  ctx: JobContext,
): Promise<RebalanceLegResult> {
  const wrong = data.trades.find((t) => t.side !== side);
  if (wrong) throw new UnrecoverableError(`a ${side}s leg holds a ${wrong.side} of ${wrong.symbol}`);

  let { proposedAtMs, proposals = [], skipped = [] } = data;
  const nowMs = deps.clock.now();
  if (proposedAtMs === undefined) {
    // A DCA batch waits for its market time too: in replay BullMQ's delay (wall time) is not the market's.
    if (data.notBeforeMs !== undefined && nowMs < data.notBeforeMs)
      return waitAgain(ctx, Math.min(timing.pollMs, wallMsOf(deps.config, data.notBeforeMs - nowMs)));
    ({ proposals, skipped } = await proposeLeg(deps, side, data, ctx));
    proposedAtMs = nowMs;
    await ctx.job.updateData({ ...data, proposedAtMs, proposals, skipped } satisfies RebalanceLegData);
  }

  const settled = await Promise.all(
    proposals.map(async (p) => ({ ...p, settlement: await settlementOf(deps, p.proposalId) })),
  );
  const pending = settled.filter((s) => s.settlement.status === 'pending').map((s) => s.proposalId);
  if (pending.length === 0) {
    const trades = settled.flatMap(({ proposalId, symbol, settlement }) =>
      settlement.status === 'settled'
        ? [{ proposalId, symbol, outcome: settlement.outcome, filledQuantity: settlement.filledQuantity }]
        : [],
    );
    ctx.logger.info(
      {
        rebalanceId: data.rebalanceId,
        batchIndex: data.batchIndex,
        side,
        outcomes: trades.map((t) => `${t.symbol}:${t.outcome}`),
        skipped: skipped.length,
      },
      'rebalance leg settled',
    );
    return { rebalanceId: data.rebalanceId, batchIndex: data.batchIndex, side, trades, skipped };
  }
  if (deps.clock.now() - proposedAtMs >= timing.settleTimeoutMs) {
    throw new UnrecoverableError(
      `rebalance ${data.rebalanceId} batch ${data.batchIndex}: ${pending.join(', ')} not settled within ${timing.settleTimeoutMs} ms`,
    );
  }
  return waitAgain(ctx, timing.pollMs);
}

/** Delays the job by `delayMs` (wall time; no worker is held meanwhile, and the wait survives restarts). */
async function waitAgain(ctx: JobContext, delayMs: number): Promise<never> {
  await ctx.job.moveToDelayed(Date.now() + Math.max(1, Math.ceil(delayMs)), ctx.token);
  throw new DelayedError();
}

/** Fits the leg to the account now and adds one risk job per trade left. */
async function proposeLeg(
  deps: PortfolioDeps,
  side: 'buy' | 'sell',
  data: RebalanceLegData,
  ctx: JobContext,
): Promise<Required<Pick<RebalanceLegData, 'proposals' | 'skipped'>>> {
  if (data.trades.length === 0) return { proposals: [], skipped: [] };
  const { config } = deps;
  const { cashAsset } = config.symbols;
  const timeframe = config.marketData.timeframe;
  const [balances, hodlBags, prices] = await Promise.all([
    deps.exchange.balances(ctx.signal),
    loadHodlBags(deps.db, config.portfolio.hodlBags),
    latestPrices(deps.db, {
      cashAsset,
      timeframe,
      assets: data.trades.map((t) => t.symbol.split('/')[0] ?? t.symbol),
      skipMissing: true,
    }),
  ]);
  // Equity as the risk engine reads it (`exchangePortfolio`), from the same balances.
  const held = Object.keys(balances).filter((asset) => !new Dec(balances[asset] ?? '0').isZero());
  const equityUsd = balancesEquity(
    balances,
    await latestPrices(deps.db, { cashAsset, timeframe, assets: held }),
    cashAsset,
  );
  const open = await loadOpenPositions(deps.db, deps.exchange.name);
  const marks = await marksOf(
    deps.db,
    open.map((p) => p.symbol),
    timeframe,
  );
  const valued = open.map((p) => valuePosition(p, marks.get(p.symbol)!));
  // Never what the strategy's open trades hold; the cash there is.
  const { holdings } = coreHoldings(balances, valued, cashAsset);
  const fitted = fitLegToAccount(side, data.trades, {
    balances: holdings,
    prices,
    hodlBags,
    cashAsset,
    minTradeUsd: config.portfolio.minTradeUsd,
  });
  if (!new Dec(equityUsd).gt(0)) {
    return {
      proposals: [],
      skipped: [...fitted.skipped, ...fitted.trades.map((t) => ({ symbol: t.symbol, reason: 'no_equity' }))],
    };
  }
  const nowMs = deps.clock.now();
  const proposals = fitted.trades.map((trade) =>
    buildRebalanceProposal({
      rebalanceId: data.rebalanceId,
      batchIndex: data.batchIndex,
      correlationId: data.correlationId,
      trade,
      equityUsd,
      nowMs,
    }),
  );
  for (const proposal of proposals) {
    await addRiskJob(deps.queues.risk, proposal);
  }
  ctx.logger.info(
    {
      rebalanceId: data.rebalanceId,
      batchIndex: data.batchIndex,
      side,
      proposed: proposals.length,
      skipped: fitted.skipped,
    },
    'rebalance leg proposed',
  );
  return { proposals: proposals.map((p) => ({ proposalId: p.proposalId, symbol: p.symbol })), skipped: fitted.skipped };
}

/** Where one proposed trade stands: its risk decision (or risk job), then its order (or execution job). */
async function settlementOf(deps: PortfolioDeps, proposalId: string): Promise<TradeSettlement> {
  const row = await riskDecisionOfProposal(deps.db, proposalId);
  const decision = row ? (row.decision === 'approved' ? 'approved' : 'denied') : null;
  let riskJob: { state: string | null; decision: 'approved' | 'denied' | null } = { state: null, decision: null };
  if (decision === null) {
    const job = await deps.queues.risk.getJob(riskJobIdOf(proposalId));
    const answer = EvaluateRiskResult.safeParse(job?.returnvalue);
    riskJob = { state: job ? await job.getState() : null, decision: answer.success ? answer.data.decision : null };
  }
  const order = decision === 'approved' ? await loadOrder(deps.db, clientOrderIdOf(proposalId, 'rebalance')) : null;
  const executionJobState =
    decision === 'approved' && order === null
      ? await deps.queues.execution.getJobState(executionJobIdOf(proposalId))
      : null;
  return settleTrade({
    decision,
    riskJob,
    order: order && { status: order.status, filledQuantity: order.filledQuantity },
    executionJobState,
  });
}
