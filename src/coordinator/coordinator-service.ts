import type { Queue } from 'bullmq';
import type { Bus } from '../bus/bus.ts';
import type { BusMessage } from '../bus/envelope.ts';
import type { Subscription } from '../bus/subscription.ts';
import type { Clock } from '../clock/clock.ts';
import type { AppConfig } from '../config/app-config.ts';
import type { ControlPlane } from '../control/control-plane.ts';
import type { Db } from '../db/open-database.ts';
import type { DegradationMonitor } from '../degradation/degradation-monitor.ts';
import type { ModelGateway } from '../llm/model-gateway.ts';
import { latestClose } from '../portfolio/latest-prices.ts';
import { addRiskJob } from '../queues/risk-jobs.ts';
import { OrderProposal } from '../risk/order-proposal.ts';
import type { PortfolioReader } from '../risk/portfolio-reader.ts';
import type { Logger } from '../shared/logger.ts';
import { applyConsensus, type Consensus } from './apply-consensus.ts';
import { buildAgentView } from './build-agent-view.ts';
import { buildProposal } from './build-proposal.ts';
import { loadCoordinatorDecision, storeCoordinatorDecision } from './coordinator-decision-store.ts';
import { detectConflicts } from './detect-conflicts.ts';
import { freshOutputs } from './fresh-outputs.ts';
import { isFresh } from './is-fresh.ts';
import { resolveConflict } from './resolve-conflict.ts';
import type { Conflict } from './conflict.ts';
import type { Resolution } from './resolution.ts';
import { screenSignal } from './screen-signal.ts';
import { SignalUnderReview } from './signal-under-review.ts';
import type { SignalOutcome } from './signal-outcome.ts';

/** The coordinator's consumer group on every topic it reads. */
export const COORDINATOR_SERVICE = 'coordinator';

export interface CoordinatorDeps {
  config: AppConfig;
  db: Db;
  bus: Bus;
  /** Wall time: bus messages are stamped with it, so freshness is measured with it. */
  clock: Clock;
  logger: Logger;
  gateway: Pick<ModelGateway, 'ask' | 'isAvailable' | 'recordBuiltInCall'>;
  control: Pick<ControlPlane, 'current' | 'apply'>;
  degradation: Pick<DegradationMonitor, 'level'>;
  portfolio: PortfolioReader;
  riskQueue: Queue;
}

interface Handling {
  outcome: SignalOutcome;
  conflicts: Conflict[];
  consensus: Consensus | null;
  resolution: Resolution | null;
  proposal: OrderProposal | null;
}

/**
 * The coordinator: every trading signal, on any replica (one consumer group, competing
 * consumers), is screened (staleness, HOLD, trading state, degradation level), checked for
 * conflicts with the agents' fresh outputs for its own symbol, weighted by consensus,
 * resolved by a model when conflicted, stored once with its correlation id, and, as a
 * proposal, handed to risk as a job keyed by the signal. Operator commands on
 * `coordinator_commands` are applied through the control plane.
 */
export async function startCoordinator(
  deps: CoordinatorDeps,
): Promise<Subscription<'trading_signals' | 'coordinator_commands'>[]> {
  const signals = await deps.bus.subscribe({
    topic: 'trading_signals',
    service: COORDINATOR_SERVICE,
    types: ['decision.signal_emitted'],
    handler: async (message) => coordinate(deps, message),
  });
  const commands = await deps.bus.subscribe({
    topic: 'coordinator_commands',
    service: COORDINATOR_SERVICE,
    handler: async (message) => {
      const p = message.payload;
      await deps.control
        .apply(p.command, {
          requestedBy: `bus:${p.requestedBy}`,
          reason: p.reason,
          cancelOrders: p.cancelOrders,
          flatten: p.flatten,
        })
        .catch((err: unknown) => {
          // A refused command (resume while HALTED) is the operator's answer, not a retry case.
          deps.logger.warn({ command: p.command, err: String(err) }, 'coordinator command refused');
        });
    },
  });
  return [signals, commands];
}

async function coordinate(deps: CoordinatorDeps, message: BusMessage<'decision.signal_emitted'>): Promise<void> {
  const signal = SignalUnderReview.parse({ ...pickTrade(message.payload), symbol: message.symbol });
  const existing = await loadCoordinatorDecision(deps.db, signal.signalId);
  if (existing) {
    // Redelivered: the stored handling stands; make sure its proposal reached risk.
    if (existing.proposal) await addRiskJob(deps.riskQueue, OrderProposal.parse(existing.proposal));
    return;
  }

  const nowMs = deps.clock.now();
  const [control, level] = await Promise.all([deps.control.current(), deps.degradation.level()]);
  const stale = !isFresh(message.tsMs, deps.config.coordinator.freshnessMs.tradingSignal, nowMs);
  let screen = screenSignal({ action: signal.action, state: control.state, level, stale });
  if (screen === 'halt') {
    // In force once applied; the wait for submissions under way is the halting CLI's business, not this handler's.
    await deps.control.apply('halt', {
      requestedBy: 'degradation',
      reason: 'degradation level EMERGENCY',
      drainTimeoutMs: 0,
    });
    screen = 'halted';
  }
  const handling =
    screen === 'continue'
      ? await analyse(deps, signal, message.correlationId, nowMs)
      : { outcome: screen, conflicts: [], consensus: null, resolution: null, proposal: null };

  const stored = await storeCoordinatorDecision(deps.db, {
    signalId: signal.signalId,
    correlationId: message.correlationId,
    symbol: signal.symbol,
    action: signal.action,
    outcome: handling.outcome,
    conflicts: handling.conflicts,
    consensus: handling.consensus ? { ...handling.consensus } : null,
    resolution: handling.resolution ? { ...handling.resolution } : null,
    proposalId: handling.proposal?.proposalId ?? null,
    proposal: handling.proposal ? { ...handling.proposal } : null,
    coordinatorState: control.state,
    degradationLevel: level,
  });
  // Another replica stored its handling of the same signal first: that one stands.
  if (!stored) return;
  deps.logger.info(
    {
      signalId: signal.signalId,
      symbol: signal.symbol,
      action: signal.action,
      outcome: handling.outcome,
      conflicts: handling.conflicts.length,
    },
    'signal coordinated',
  );
  if (handling.proposal) await addRiskJob(deps.riskQueue, handling.proposal);
}

async function analyse(
  deps: CoordinatorDeps,
  signal: SignalUnderReview,
  correlationId: string,
  nowMs: number,
): Promise<Handling> {
  const { coordinator } = deps.config;
  const [view, marketPrice] = await Promise.all([buildAgentView(deps.bus, signal.symbol), latestPrice(deps, signal)]);
  const regime = freshOutputs(view, signal.symbol, coordinator.freshnessMs, nowMs).regime?.regime ?? null;

  // A CLOSE, or a signal against the open position (SELL while long, BUY while short), exits it.
  const position = (await deps.portfolio.openPositions()).find((p) => p.symbol === signal.symbol);
  const against =
    position &&
    ((signal.action === 'SELL' && position.side === 'long') || (signal.action === 'BUY' && position.side === 'short'));
  if (signal.action === 'CLOSE' || against) {
    if (!position)
      return { outcome: 'nothing_to_close', conflicts: [], consensus: null, resolution: null, proposal: null };
    const exit = { ...signal, action: 'CLOSE' as const };
    const proposal = buildProposal({
      signal: exit,
      correlationId,
      confidence: signal.confidence,
      regime,
      marketPrice,
      position,
      equityUsd: await deps.portfolio.equityUsd(),
      nowMs,
    });
    return { outcome: 'proposed', conflicts: [], consensus: null, resolution: null, proposal };
  }
  // On spot a SELL can only sell what a trade holds: without a position it would open a short,
  // which risk would deny (spot_short) on every bearish bar.
  if (signal.action === 'SELL' && !position && !deps.config.execution.margin)
    return { outcome: 'nothing_to_sell', conflicts: [], consensus: null, resolution: null, proposal: null };

  const conflicts = detectConflicts(signal, view, coordinator, nowMs);
  const consensus = applyConsensus(signal, view, coordinator, nowMs);
  let resolution: Resolution | null = null;
  if (conflicts.length > 0) {
    resolution = await resolveConflict({
      gateway: deps.gateway,
      config: { coordinator, llm: deps.config.llm, maxLeverage: deps.config.risk.maxLeverage },
      signal,
      conflicts,
      view,
      marketPrice,
      nowMs,
      correlationId,
      logger: deps.logger,
    });
    if (resolution.action === 'wait' || resolution.action === 'abort')
      return { outcome: resolution.action, conflicts, consensus, resolution, proposal: null };
  }
  const proposal = buildProposal({
    signal,
    correlationId,
    confidence: consensus.confidence,
    resolution: resolution ?? undefined,
    regime,
    marketPrice,
    nowMs,
  });
  return { outcome: 'proposed', conflicts, consensus, resolution, proposal };
}

async function latestPrice(deps: CoordinatorDeps, signal: SignalUnderReview): Promise<string> {
  return (await latestClose(deps.db, signal.symbol, deps.config.marketData.timeframe)) ?? signal.entryPrice ?? '0';
}

function pickTrade(p: BusMessage<'decision.signal_emitted'>['payload']) {
  const { signalId, action, confidence, entryPrice, stopLoss, takeProfit, sizePct, leverage } = p;
  return { signalId, action, confidence, entryPrice, stopLoss, takeProfit, sizePct, leverage };
}
