import { z } from 'zod';
import { Side } from '../model/side.ts';
import { tradingPair } from '../config/config-fields.ts';
import { OrderType } from '../exchange/exchange-port.ts';
import { PositiveAmount } from './order-amount.ts';
import { OrderCause } from '../model/order-cause.ts';

/** The exchange an order lives on: the `name` of the `ExchangePort` that sends it. */
export const ExchangeName = z.enum(['paper', 'kraken']);
export type ExchangeName = z.infer<typeof ExchangeName>;

/**
 * What an order does to exposure, which decides what a trading state lets through:
 * `entry` opens or adds to a position (refused while PAUSED); `exit` reduces one (a close);
 * `protective` is a resting exit guarding a position (stop-loss, take-profit), which bypasses
 * pause. Null for an adopted order: we do not know why it was placed.
 */
export const orderIntents = ['entry', 'exit', 'protective'] as const;
export const OrderIntent = z.enum(orderIntents);
export type OrderIntent = z.infer<typeof OrderIntent>;

/**
 * Why the order exists. One proposal may lead to several orders (entry, stop-loss,
 * take-profit), told apart by purpose: the client order id is derived from both.
 * `adopted`: found on the exchange without a row here (placed by hand, or lost).
 */
export const orderPurposes = ['entry', 'exit', 'stop_loss', 'take_profit', 'rebalance', 'flatten', 'adopted'] as const;
export const OrderPurpose = z.enum(orderPurposes);
export type OrderPurpose = z.infer<typeof OrderPurpose>;

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
