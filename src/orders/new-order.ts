import { z } from 'zod';
import { Side } from '../model/side.ts';
import { tradingPair } from '../config/config-fields.ts';
import { OrderType } from '../exchange/exchange-port.ts';
import { PositiveAmount } from './order-amount.ts';
import { OrderCause } from '../model/order-cause.ts';
import { ExchangeName } from '../model/exchange-name.ts';
import { OrderIntent } from '../model/order-intent.ts';
import { OrderPurpose } from '../model/order-purpose.ts';

/** An order to record before it is sent (`createOrder`). Amounts are decimal strings. */
export const NewOrder = z
  .object({
    /** `clientOrderIdOf(proposalId, purpose)`; sent to Kraken as `cl_ord_id`. */
    clientOrderId: z.string().min(1).max(36),
    /** The approval (`risk_decisions.decision_id`) the order carries out; null when no approval applies (a flatten by an operator). */
    decisionId: z.string().min(1).nullable(),
    proposalId: z.string().min(1).nullable(),
    correlationId: z.string().min(1),
    symbol: tradingPair(),
    side: Side,
    type: OrderType,
    intent: OrderIntent,
    purpose: OrderPurpose.exclude(['adopted']),
    /** Why it exists (`OrderCause`); an order with a `decisionId` carries out an approval unless it says otherwise. Default `approval`. */
    cause: OrderCause.exclude(['adopted']).default('approval'),
    /** Base-asset units. */
    quantity: PositiveAmount,
    limitPrice: PositiveAmount.nullable().default(null),
    triggerPrice: PositiveAmount.nullable().default(null),
    /** Margin leverage; 1 trades spot. */
    leverage: z.number().min(1).max(5).default(1),
    reduceOnly: z.boolean().default(false),
    exchange: ExchangeName,
    /** Absent: now (the database's clock). */
    createdAtMs: z.number().int().nonnegative().optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.type === 'limit' && o.limitPrice === null)
      ctx.addIssue({ code: 'custom', path: ['limitPrice'], message: 'a limit order needs limitPrice' });
    if ((o.type === 'stop-loss' || o.type === 'take-profit') && o.triggerPrice === null)
      ctx.addIssue({ code: 'custom', path: ['triggerPrice'], message: `a ${o.type} order needs triggerPrice` });
    if (o.cause === 'approval' && o.decisionId === null)
      ctx.addIssue({
        code: 'custom',
        path: ['cause'],
        message: 'an order carrying out an approval needs its decisionId',
      });
  });
export type NewOrderInput = z.input<typeof NewOrder>;
export type NewOrder = z.output<typeof NewOrder>;
