import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { and, eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import type { Bus } from '../bus/bus.ts';
import type { Clock } from '../clock/clock.ts';
import type { AppConfig } from '../config/app-config.ts';
import { isFresh } from '../coordinator/is-fresh.ts';
import type { Db } from '../db/open-database.ts';
import { positions } from '../db/schema/positions.ts';
import { findNamedOrder } from '../orders/find-named-order.ts';
import type { Keys } from '../keys.ts';
import type { InstrumentBook } from '../market/instrument-book.ts';
import { latestClose } from '../portfolio/latest-prices.ts';
import { heldPositionOf } from '../positions/held-position.ts';
import { toPosition } from '../positions/position-store.ts';
import type { Position } from '../positions/position.ts';
import { jobOptionsOf } from '../queues/define-queue.ts';
import { CancelOrderResult, executionQueue } from '../queues/queue-catalog.ts';
import { addRiskJob } from '../queues/risk-jobs.ts';
import type { OrderProposal } from '../risk/order-proposal.ts';
import type { Logger } from '../shared/logger.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import { awaitJob } from './await-job.ts';
import { followProposal } from './follow-proposal.ts';
import { buildCloseProposal, buildOpenProposal } from './operator-proposal.ts';
import type { TradeOutcome } from './trade-outcome.ts';
import { CancelTradeRequest, CloseTradeRequest, OpenTradeRequest, parseTradeRequest } from './trade-request.ts';

/** How long a request waits for its outcome unless it says otherwise (`waitMs`, `--wait`, `--no-wait`). */
export const DEFAULT_TRADE_WAIT_MS = 30_000;

export interface TradeDeskDeps {
  config: AppConfig;
  db: Db;
  bus: Pick<Bus, 'latest'>;
  redis: Redis;
  keys: Keys;
  /** The risk task's queue: proposals go there, as the coordinator's do. */
  riskQueue: Queue;
  /** The execution task's queue: cancels go there. */
  executionQueue: Queue;
  /** The pair rules the stop and take profit are put on the tick grid of. */
  instruments: Pick<InstrumentBook, 'find'>;
  /** Wall time: bus messages are stamped with it, so a regime's freshness is measured with it. */
  clock: Clock;
  logger: Logger;
}

/**
 * An operator's manual trades, for the CLI and the control API alike. Nothing here touches the
 * exchange: `open` and `close` become order proposals with source `operator`, added to the risk
 * queue exactly as the coordinator adds an agents' proposal (the risk engine may deny them, and
 * an approval goes through execution like any other); `cancel` becomes a job of the execution
 * queue. Each then waits, up to `waitMs` of wall time (default 30 s), for the risk decision and
 * the order's outcome (or the cancel's), and answers with a `TradeOutcome`.
 *
 * Refused before anything is written, with `INPUT_INVALID` (a malformed request, a pair the
 * cluster does not trade), `NOT_FOUND` (no such open position, no stored price, no such order),
 * `COMMAND_REFUSED` (the cluster is HALTED: its queues are paused and the fence admits nothing
 * but a halt's own close-out) or `CONTROL_STATE_UNKNOWN` (no trading state in Redis: fail closed).
 */
export class TradeDesk {
  /** @param labels the request fields as the caller's user names them (`{ usd: '--usd' }` on the command line). */
  constructor(
    private readonly deps: TradeDeskDeps,
    private readonly labels: Readonly<Record<string, string>> = {},
  ) {}

  /** `trade open`: a buy of `usd` notional at market (see `buildOpenProposal`), through risk and execution. */
  async open(input: unknown, requestedBy: string): Promise<TradeOutcome> {
    const request = parseTradeRequest(OpenTradeRequest, input, this.labels);
    const symbol = this.tradedPair(request.pair);
    await this.refuseWhileHalted('open', 'no position is opened until `triplegain reset`, then `resume`');
    const marketPrice = await latestClose(this.deps.db, symbol, this.deps.config.marketData.timeframe);
    if (marketPrice === null)
      throw new TriplegainError(
        'NOT_FOUND',
        `no stored price for ${symbol} yet: a trade is sized at the latest closed bar, and market data has stored none`,
        { symbol },
      );
    const requestId = request.requestId ?? randomUUID();
    const proposal = buildOpenProposal({
      requestId,
      requestedBy,
      symbol,
      usd: request.usd,
      stopPct: request.stopPct,
      takeProfitPct: request.takeProfitPct,
      marketPrice,
      instrument: this.deps.instruments.find(symbol),
      regime: await this.freshRegime(symbol),
      nowMs: this.deps.clock.now(),
    });
    return this.propose('open', proposal, requestId, requestedBy, request.waitMs);
  }

  /** `trade close`: an exit of a share of one open position, sized by the risk engine from what is held. */
  async close(input: unknown, requestedBy: string): Promise<TradeOutcome> {
    const request = parseTradeRequest(CloseTradeRequest, input, this.labels);
    await this.refuseWhileHalted(
      'close',
      "nothing is sent but a halt's own close-out: `triplegain halt --flatten` closes every position",
    );
    const position = await this.openPosition(request);
    const requestId = request.requestId ?? randomUUID();
    const proposal = buildCloseProposal({
      requestId,
      requestedBy,
      position,
      pct: request.pct,
      marketPrice: await latestClose(this.deps.db, position.symbol, this.deps.config.marketData.timeframe),
      nowMs: this.deps.clock.now(),
    });
    return this.propose('close', proposal, requestId, requestedBy, request.waitMs);
  }

  /** `trade cancel`: one working order canceled by the execution task (`cancelWorkingOrder`). */
  async cancel(input: unknown, requestedBy: string): Promise<TradeOutcome> {
    const request = parseTradeRequest(CancelTradeRequest, input, this.labels);
    await this.refuseWhileHalted(
      'cancel',
      'the execution queue is paused: `triplegain halt --cancel-orders` cancels every open order',
    );
    const account = this.deps.config.execution.exchange;
    const order = await findNamedOrder({ db: this.deps.db, exchange: { name: account } }, request.order);
    if (!order)
      throw new TriplegainError(
        'NOT_FOUND',
        `no order on ${account} has the client or exchange order id "${request.order}"`,
        { order: request.order },
      );
    const requestId = request.requestId ?? randomUUID();
    const jobId = `cancel.${order.clientOrderId}.${requestId}`;
    await this.deps.executionQueue.add(
      'cancel',
      { order: order.clientOrderId, requestedBy },
      { jobId, ...jobOptionsOf(executionQueue) },
    );
    this.deps.logger.info({ clientOrderId: order.clientOrderId, requestedBy, jobId }, 'order cancel requested');

    const base = {
      action: 'cancel' as const,
      requestedBy,
      requestId,
      symbol: order.symbol,
      proposalId: null,
      proposal: null,
      risk: null,
      order: null,
    };
    const done = await awaitJob(
      this.deps.executionQueue,
      jobId,
      Date.now() + (request.waitMs ?? DEFAULT_TRADE_WAIT_MS),
    );
    if (done.state === 'waiting') {
      return {
        ...base,
        status: 'pending',
        summary: `cancel of ${order.clientOrderId} queued (job ${done.jobState}); its outcome was not known within the wait`,
        cancel: null,
        waitingFor: { step: 'cancel', jobId, jobState: done.jobState },
      };
    }
    if (done.state === 'failed')
      return {
        ...base,
        status: 'failed',
        summary: `cancel of ${order.clientOrderId} failed: ${done.failedReason}`,
        cancel: null,
        waitingFor: null,
      };
    const cancel = CancelOrderResult.parse(done.returnvalue);
    const status = cancel.status === 'canceled' ? 'canceled' : cancel.status === 'refused' ? 'refused' : 'not_canceled';
    return { ...base, status, summary: cancel.message, cancel, waitingFor: null };
  }

  private async propose(
    action: 'open' | 'close',
    proposal: OrderProposal,
    requestId: string,
    requestedBy: string,
    waitMs: number | undefined,
  ): Promise<TradeOutcome> {
    await addRiskJob(this.deps.riskQueue, proposal);
    this.deps.logger.info(
      {
        proposalId: proposal.proposalId,
        symbol: proposal.symbol,
        side: proposal.side,
        intent: proposal.intent,
        requestedBy,
      },
      'manual trade proposed',
    );
    return followProposal(this.deps, {
      action,
      proposal,
      requestId,
      requestedBy,
      deadlineMs: Date.now() + (waitMs ?? DEFAULT_TRADE_WAIT_MS),
    });
  }

  /** `pair` if the cluster trades it (`symbols.pairs`). */
  private tradedPair(pair: string): string {
    const pairs = this.deps.config.symbols.pairs;
    if (!pairs.includes(pair))
      throw new TriplegainError(
        'INPUT_INVALID',
        `unknown pair "${pair}": this cluster trades ${pairs.join(', ')} (symbols.pairs)`,
        { pair },
      );
    return pair;
  }

  /** Refuses while HALTED (and while the state is unknown), before anything is written. */
  private async refuseWhileHalted(action: string, why: string): Promise<void> {
    const state = await this.deps.redis.hget(this.deps.keys.controlState, 'state');
    if (state === null)
      throw new TriplegainError(
        'CONTROL_STATE_UNKNOWN',
        `the trading state is unknown (none in Redis): no ${action} until a worker restores it`,
      );
    if (state === 'HALTED')
      throw new TriplegainError('COMMAND_REFUSED', `cannot ${action} while HALTED: ${why}`, { state, action });
  }

  /** The open position a close names, by id or by pair. */
  private async openPosition(request: CloseTradeRequest): Promise<Position> {
    const account = this.deps.config.execution.exchange;
    if (request.positionId !== undefined) {
      const [row] = await this.deps.db
        .select()
        .from(positions)
        .where(and(eq(positions.id, request.positionId), eq(positions.account, account)));
      if (!row)
        throw new TriplegainError('NOT_FOUND', `no position #${request.positionId} on ${account}`, {
          positionId: request.positionId,
        });
      if (row.status !== 'open')
        throw new TriplegainError(
          'NOT_FOUND',
          `position #${request.positionId} (${row.symbol}) is ${row.status}: nothing to close`,
          { positionId: request.positionId },
        );
      return toPosition(row);
    }
    const pair = request.pair!;
    const held = await heldPositionOf(this.deps.db, account, pair);
    if (held) return held.position;
    // A pair the cluster does not trade is named as such (INPUT_INVALID), not as a missing position.
    this.tradedPair(pair);
    throw new TriplegainError('NOT_FOUND', `no open ${pair} position on ${account}: nothing to close`, { pair });
  }

  /** The symbol's regime if fresh (`coordinator.freshnessMs.regime`), as the coordinator would use it; else null. */
  private async freshRegime(symbol: string): Promise<OrderProposal['regime']> {
    const latest = await this.deps.bus.latest('regime_updates', { symbol });
    if (!latest || latest.type !== 'regime.detected') return null;
    return isFresh(latest.tsMs, this.deps.config.coordinator.freshnessMs.regime, this.deps.clock.now())
      ? latest.payload.regime
      : null;
  }
}
