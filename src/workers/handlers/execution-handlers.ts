import type { ExchangePort } from '../../exchange/exchange-port.ts';
import { cancelWorkingOrder } from '../../execution/cancel-working-order.ts';
import { exitPosition } from '../../execution/exit-position.ts';
import { followUpOrder } from '../../execution/follow-up-order.ts';
import { placeOrderOnce } from '../../execution/place-order-once.ts';
import { approvedOrderRequest } from '../../execution/approved-order-request.ts';
import { approvedClientOrderId, approvedOrderPurpose } from '../../model/approved-order.ts';
import type { JobContext, JobHandlers } from '../../queues/define-queue.ts';
import { executionQueue, type SubmitOrderData, type SubmitOrderResult } from '../../queues/queue-catalog.ts';
import { loadRiskDecision } from '../../risk/load-risk-decision.ts';
import { OrderProposal } from '../../risk/order-proposal.ts';
import { describeError, TriplegainError } from '../../shared/triplegain-error.ts';
import type { RiskDecisionRow } from '../../db/schema/risk-decisions.ts';
import { loadOrder } from '../../orders/order-reads.ts';
import { databaseNow } from '../../db/database-now.ts';
import { recordUnexecutedApproval } from '../../execution/record-unexecuted-approval.ts';
import type { TaskDeps } from '../task-deps.ts';

type ExecutionDeps = Pick<TaskDeps, 'db' | 'redis' | 'keys' | 'config' | 'logger' | 'clock' | 'instruments'>;

/**
 * The execution task: places the order a stored approval names, once (`placeOrderOnce`); an
 * exit of a position through `exitPosition` (never more than is held less the exits in flight,
 * the position's stop canceled first and resized after). A job without a stored approval
 * naming its proposal fails before anything is written or sent. An order Kraken accepted is
 * then followed up for a few seconds (`followUpOrder`, `execution.kraken.orderFollowUpMs`):
 * its fills, the position and its stop follow at once, not at the next reconciliation. The
 * paper exchange fills on closed bars, which the positions service records itself. `cancel`
 * cancels one working order at an operator's request (`cancelWorkingOrder`).
 */
export function executionHandlers(deps: ExecutionDeps, exchange: ExchangePort): JobHandlers<typeof executionQueue> {
  return {
    submit: (data, ctx) => submit(deps, exchange, data, ctx),
    // An operator's cancel: through this queue, like every other call that changes an order.
    cancel: (data, ctx) => cancelWorkingOrder({ ...deps, exchange, logger: ctx.logger }, data),
  };
}

async function submit(
  deps: ExecutionDeps,
  exchange: ExchangePort,
  data: SubmitOrderData,
  ctx: JobContext,
): Promise<SubmitOrderResult> {
  const startedAtMs = Date.now();
  const approval = await loadRiskDecision(deps.db, data.decisionId);
  if (
    !approval ||
    approval.decision !== 'approved' ||
    approval.proposalId !== data.proposalId ||
    approval.quantity === null
  ) {
    throw new TriplegainError(
      'NOT_FOUND',
      `no stored approval ${data.decisionId} for proposal ${data.proposalId}: nothing submitted`,
      { ...data },
    );
  }
  const approved = { ...approval, quantity: approval.quantity };
  const proposal = OrderProposal.parse(approval.proposal);
  const clientOrderId = approvedClientOrderId(proposal);
  // A job that starts long after its approval (a queue paused for hours, Redis restored from
  // an old file) does not send what the market of then approved. Wall time, by the database's clock.
  const ageMs = (await databaseNow(deps.db)).getTime() - approval.createdAt.getTime();
  if (ageMs > deps.config.execution.orphanApprovalMs && !(await loadOrder(deps.db, clientOrderId))) {
    const reason = `not sent: the approval is ${ageMs} ms old (execution.orphanApprovalMs ${deps.config.execution.orphanApprovalMs})`;
    const order = await recordUnexecutedApproval(deps.db, {
      approval: approved,
      exchange: exchange.name,
      reason,
      atMs: deps.clock.now(),
    });
    ctx.logger.warn({ decisionId: approval.decisionId, clientOrderId, ageMs }, 'stale approval not submitted');
    return { status: 'refused', clientOrderId, exchangeOrderId: order.exchangeOrderId, orderStatus: order.status };
  }
  let result: SubmitOrderResult;
  try {
    result = await carryOut(deps, exchange, approved, proposal, ctx);
  } catch (err) {
    // Retried while attempts are left: the order row and its claim keep the order at most
    // once. After the last attempt an approval whose order was never even recorded gets its
    // reason recorded (a denied order), which frees what it reserved; if even that fails,
    // reconciliation records it once `execution.orphanApprovalMs` has passed.
    if (isLastAttempt(ctx, err) && !(await loadOrder(deps.db, clientOrderId).catch(() => 'unknown' as const))) {
      await recordUnexecutedApproval(deps.db, {
        approval: approved,
        exchange: exchange.name,
        reason: `not sent: ${describeError(err)}`,
        atMs: deps.clock.now(),
      }).catch((recordErr: unknown) =>
        ctx.logger.warn(
          { decisionId: approval.decisionId, err: describeError(recordErr) },
          'the failed approval could not be recorded: reconciliation will',
        ),
      );
    }
    throw err;
  }
  // An order Kraken acknowledged, and one whose AddOrder got no answer (Kraken's advice: look it
  // up by its client id; an order that landed is then known, and its stop placed, in seconds).
  if ((result.status === 'submitted' || result.status === 'unknown') && exchange.name === 'kraken') {
    // Done before the job's timeout, with room left for the stop a fill leads to.
    const deadlineMs = startedAtMs + executionQueue.timeoutMs(deps.config) - deps.config.execution.kraken.timeoutMs;
    const status = await followUpOrder({ ...deps, exchange, logger: ctx.logger }, result.clientOrderId, {
      // An order without an answer is looked up once (by client id: up to 3 units of the API
      // counter a look); reconciliation settles the rest.
      delaysMs:
        result.status === 'unknown'
          ? deps.config.execution.kraken.orderFollowUpMs.slice(0, 1)
          : deps.config.execution.kraken.orderFollowUpMs,
      deadlineMs,
      exchangeOrderId: result.exchangeOrderId,
      signal: ctx.signal,
    });
    if (status) return { ...result, orderStatus: status };
  }
  return result;
}

/** True when the job will not be tried again after `err`: a non-retryable error, or no attempt left. */
function isLastAttempt(ctx: JobContext, err: unknown): boolean {
  if (err instanceof TriplegainError && !err.retryable) return true;
  return ctx.job.attemptsMade + 1 >= (ctx.job.opts.attempts ?? 1);
}

async function carryOut(
  deps: ExecutionDeps,
  exchange: ExchangePort,
  approval: RiskDecisionRow & { quantity: string },
  proposal: OrderProposal,
  ctx: JobContext,
): Promise<SubmitOrderResult> {
  const purpose = approvedOrderPurpose(proposal);
  if (purpose !== 'entry' && purpose !== 'rebalance') {
    // An exit reduces a position: sized against it and the exits in flight, its stop canceled first.
    const exit = await exitPosition(
      { ...deps, exchange, logger: ctx.logger },
      {
        symbol: proposal.symbol,
        side: proposal.side,
        key: proposal.proposalId,
        purpose,
        cause: 'approval',
        fenceIntent: 'exit',
        correlationId: proposal.correlationId,
        decisionId: approval.decisionId,
        proposalId: proposal.proposalId,
        quantity: approval.quantity,
      },
    );
    // An approval always gets its order row (denied when nothing was left to exit).
    if (!exit)
      throw new TriplegainError('NOT_FOUND', `the exit of approval ${approval.decisionId} was not recorded`, {
        decisionId: approval.decisionId,
      });
    return {
      status: exit.status,
      clientOrderId: exit.order.clientOrderId,
      exchangeOrderId: exit.order.exchangeOrderId,
      orderStatus: exit.order.status,
    };
  }
  const outcome = await placeOrderOnce(
    { ...deps, logger: ctx.logger },
    exchange,
    // An entry, or a rebalance's leg (its sell reduces the core allocation, not a position).
    approvedOrderRequest(approval, proposal),
    { fenceIntent: proposal.intent, ttlMs: executionQueue.timeoutMs(deps.config), signal: ctx.signal },
  );
  return {
    status: outcome.status,
    clientOrderId: outcome.order.clientOrderId,
    exchangeOrderId: outcome.order.exchangeOrderId,
    orderStatus: outcome.order.status,
  };
}
