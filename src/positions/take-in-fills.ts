import type { Clock } from '../clock/clock.ts';
import type { AppConfig } from '../config/app-config.ts';
import type { Db } from '../db/open-database.ts';
import type { ExchangePort } from '../exchange/exchange-port.ts';
import { entryOrderOf } from '../orders/entry-order-of.ts';
import { loadRiskDecision } from '../risk/load-risk-decision.ts';
import { OrderProposal } from '../risk/order-proposal.ts';
import { recordTradeClosed } from '../risk/record-trade-closed.ts';
import { initialRiskState } from '../risk/risk-state.ts';
import { withLockedRiskState } from '../risk/risk-state-store.ts';
import { applyPendingFills, setProtection, type AppliedFill } from './position-store.ts';
import { startTrailing } from './protective-check.ts';
import type { Position } from './position.ts';

export interface TakeInFillsDeps {
  config: AppConfig;
  db: Db;
  /** Market time: cooldowns are stamped with it. */
  clock: Clock;
  exchange: Pick<ExchangePort, 'name'>;
}

/**
 * Takes every fill recorded for the account and not yet in a position into its position
 * (`applyPendingFills`: each exactly once, whoever calls), and what each leads to: an entry
 * sets the position's protection from its proposal (and a trailing stop when configured); a
 * closed position's P&L goes to the risk state (loss streaks, cooldown). Called on every
 * closed bar, and as soon as a fill is learnt (an order's follow-up, a re-protection).
 *
 * @returns the symbols whose positions changed: their stops must follow (`syncProtectiveStop`).
 */
export async function takeInFills(deps: TakeInFillsDeps): Promise<Set<string>> {
  const touched = new Set<string>();
  for (const applied of await applyPendingFills(deps.db, deps.exchange.name)) {
    const symbol = await afterFill(deps, applied);
    if (symbol) touched.add(symbol);
  }
  return touched;
}

/** What a fill taken into its position leads to; returns the symbol whose stop must follow. */
async function afterFill(deps: TakeInFillsDeps, applied: AppliedFill): Promise<string | undefined> {
  const symbol = applied.position?.symbol ?? applied.closedTrade?.symbol;
  if (!symbol) return undefined;
  if (applied.closedTrade) {
    const trade = applied.closedTrade;
    await withLockedRiskState(
      deps.db,
      deps.exchange.name,
      () => initialRiskState(deps.config.execution.paper.startingCashUsd, deps.clock.now()),
      async (current) => ({
        state: recordTradeClosed(current.state, trade.realizedPnlUsd, deps.clock.now(), deps.config.risk.cooldown),
        resetsApplied: current.resetsApplied,
        result: null,
      }),
    );
  }
  if (applied.purpose === 'entry' && applied.position && applied.proposalId)
    await setProtectionFromEntry(deps, applied.position, applied.proposalId);
  return symbol;
}

/**
 * Sets the position's protection from its (latest) entry's proposal: its stop loss and take
 * profit, and a trailing stop when configured (started once, then only ratcheted). The stop
 * order itself follows (`syncProtectiveStop`).
 */
async function setProtectionFromEntry(deps: TakeInFillsDeps, position: Position, proposalId: string): Promise<void> {
  const entry = await entryOrderOf(deps.db, proposalId);
  const decision = entry?.decisionId ? await loadRiskDecision(deps.db, entry.decisionId) : null;
  if (!decision) return;
  const proposal = OrderProposal.parse(decision.proposal);
  const trailingPct = deps.config.execution.trailingStopPct;
  await setProtection(deps.db, deps.exchange.name, position.symbol, {
    stopLoss: proposal.stopLoss,
    takeProfit: proposal.takeProfit,
    trailing:
      position.protection.trailing ??
      (trailingPct === null ? null : startTrailing(position.side, trailingPct, position.avgEntryPrice)),
  });
}
