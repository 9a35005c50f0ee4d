import { z } from 'zod';
import { TradeAction } from '../../bus/messages/trading-signal-emitted.ts';
import { DecimalString, NonNegativeDecimalString } from '../../model/decimal-string.ts';

/** One point of the equity curve: a `portfolio_snapshots` row and its drawdown from the peak before it. */
export const EquityPoint = z
  .object({
    /** The snapshot slot's start, ms since the epoch. */
    atMs: z.number().int(),
    equityUsd: DecimalString,
    /** Below the highest equity up to this point, percent of that peak (0 at a new peak). */
    drawdownPct: NonNegativeDecimalString,
  })
  .strict();
export type EquityPoint = z.infer<typeof EquityPoint>;

/** A decision of the trading panel with the vote of each model. */
export const SignalSummary = z
  .object({
    signalId: z.string().min(1),
    symbol: z.string().min(1),
    action: TradeAction,
    /** 0–1. */
    confidence: z.number().min(0).max(1),
    /** Share of the confidence-weighted votes behind `action`, 0–1. */
    agreement: z.number().min(0).max(1),
    createdAtMs: z.number().int(),
    votes: z.array(
      z.object({ model: z.string().min(1), action: TradeAction, confidence: z.number().min(0).max(1) }).strict(),
    ),
    abstentions: z.array(z.object({ model: z.string().min(1), reason: z.string() }).strict()),
  })
  .strict();
export type SignalSummary = z.infer<typeof SignalSummary>;

/** How many denials a risk rule gave since `sinceMs` (a denial with two reasons counts under both). */
export const DenialCount = z.object({ rule: z.string().min(1), count: z.number().int().positive() }).strict();
export type DenialCount = z.infer<typeof DenialCount>;

/** Model spending of the clock's UTC day against `llm.dailyBudgetUsd`. */
export const ModelSpend = z
  .object({
    dayStartMs: z.number().int(),
    spentUsd: NonNegativeDecimalString,
    budgetUsd: NonNegativeDecimalString,
    calls: z.number().int().nonnegative(),
  })
  .strict();
export type ModelSpend = z.infer<typeof ModelSpend>;

/** What the status page shows beside the status document: read from PostgreSQL on every refresh. */
export const StatusPageExtras = z
  .object({
    /** Oldest first, at most the latest `EQUITY_POINTS` snapshots. */
    equity: z.array(EquityPoint),
    /** Newest first. */
    signals: z.array(SignalSummary),
    /** Since the start of the UTC day; most frequent first. */
    denials: z.object({ sinceMs: z.number().int(), byRule: z.array(DenialCount) }).strict(),
    spend: ModelSpend,
  })
  .strict();
export type StatusPageExtras = z.infer<typeof StatusPageExtras>;
