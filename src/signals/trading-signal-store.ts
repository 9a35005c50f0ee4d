import { eq } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { tradingSignals, type TradingSignalRow } from '../db/schema/trading-signals.ts';
import type { DegradationLevel } from '../model/degradation-level.ts';
import { PanelDecision } from '../panel/panel-decision.ts';

export interface SaveTradingSignalInput {
  signalId: string;
  symbol: string;
  timeframe: string;
  candleOpenTimeMs: number;
  decision: PanelDecision;
  withSentiment: boolean;
  degradationLevel: DegradationLevel;
  correlationId: string;
}

/**
 * Stores a panel decision once per signal id. A second save of the same id (a retried or
 * repeated decision on the same bar) changes nothing and hands back the stored row, so the
 * first decision on a bar is the one that counts.
 */
export async function saveTradingSignal(
  db: Db,
  input: SaveTradingSignalInput,
): Promise<{ inserted: boolean; row: TradingSignalRow }> {
  const d = PanelDecision.parse(input.decision);
  const inserted = await db
    .insert(tradingSignals)
    .values({
      signalId: input.signalId,
      symbol: input.symbol,
      timeframe: input.timeframe,
      candleOpenTime: new Date(input.candleOpenTimeMs),
      action: d.action,
      confidence: d.confidence,
      agreement: d.agreement,
      entryPrice: d.entryPrice,
      stopLoss: d.stopLoss,
      takeProfit: d.takeProfit,
      sizePct: String(d.sizePct),
      leverage: String(d.leverage),
      votes: d.votes,
      abstentions: d.abstentions,
      reasons: d.reasons,
      withSentiment: input.withSentiment,
      degradationLevel: input.degradationLevel,
      correlationId: input.correlationId,
    })
    .onConflictDoNothing({ target: tradingSignals.signalId })
    .returning();
  if (inserted[0]) return { inserted: true, row: inserted[0] };
  return { inserted: false, row: (await loadTradingSignal(db, input.signalId))! };
}

/** The stored signal with this id, or null. */
export async function loadTradingSignal(db: Db, signalId: string): Promise<TradingSignalRow | null> {
  const [row] = await db.select().from(tradingSignals).where(eq(tradingSignals.signalId, signalId));
  return row ?? null;
}

/** Records that the signal is on the bus. */
export async function markSignalPublished(db: Db, signalId: string, at: Date): Promise<void> {
  await db.update(tradingSignals).set({ publishedAt: at }).where(eq(tradingSignals.signalId, signalId));
}

/** The stored decision as the panel's result, for publishing (again). */
export function toPanelDecision(row: TradingSignalRow): PanelDecision {
  return PanelDecision.parse({
    action: row.action,
    confidence: row.confidence,
    agreement: row.agreement,
    entryPrice: row.entryPrice,
    stopLoss: row.stopLoss,
    takeProfit: row.takeProfit,
    sizePct: Number(row.sizePct),
    leverage: Number(row.leverage),
    votes: row.votes,
    abstentions: row.abstentions,
    reasons: row.reasons,
  });
}
