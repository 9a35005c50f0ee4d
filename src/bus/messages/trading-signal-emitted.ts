import { z } from 'zod';
import { DecimalString } from '../../model/decimal-string.ts';
import { defineMessage } from '../define-message.ts';

export const TradeAction = z.enum(['BUY', 'SELL', 'HOLD', 'CLOSE']);
export type TradeAction = z.infer<typeof TradeAction>;

/** The combined signal of the trading-decision panel for one symbol. */
export const TradingSignalEmitted = defineMessage({
  type: 'decision.signal_emitted',
  topic: 'trading_signals',
  description: 'Trading decision for one symbol, with every vote and abstention of the panel',
  payload: z
    .object({
      signalId: z.string().min(1),
      action: TradeAction,
      confidence: z.number().min(0).max(1),
      entryPrice: DecimalString.nullable(),
      stopLoss: DecimalString.nullable(),
      takeProfit: DecimalString.nullable(),
      /** Share of equity to commit, 0–100. */
      sizePct: z.number().min(0).max(100),
      leverage: z.number().min(1).max(5),
      votes: z.array(
        z
          .object({
            model: z.string().min(1),
            action: TradeAction,
            confidence: z.number().min(0).max(1),
          })
          .strict(),
      ),
      abstentions: z.array(z.object({ model: z.string().min(1), reason: z.string() }).strict()),
    })
    .strict(),
});
