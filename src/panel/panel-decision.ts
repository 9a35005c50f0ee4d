import { z } from 'zod';
import { TradingSignalEmitted } from '../bus/messages/trading-signal-emitted.ts';

/**
 * The combined decision of the panel for one symbol: the `decision.signal_emitted` payload
 * without its id, plus the agreement and each voter's reasoning.
 */
export const PanelDecision = TradingSignalEmitted.payload
  .omit({ signalId: true })
  .extend({
    /** Share of the confidence-weighted votes behind `action`, 0–1 (see `combineVotes`). */
    agreement: z.number().min(0).max(1),
    /** Every voter's reasoning, for logs and `explain`. */
    reasons: z.array(z.object({ model: z.string().min(1), reasoning: z.string() }).strict()),
  })
  .strict();
export type PanelDecision = z.infer<typeof PanelDecision>;

/** The bus payload of a panel decision. */
export function toTradingSignalPayload(
  decision: PanelDecision,
  signalId: string,
): z.infer<typeof TradingSignalEmitted.payload> {
  const { agreement: _agreement, reasons: _reasons, ...signal } = decision;
  return TradingSignalEmitted.payload.parse({ signalId, ...signal });
}
