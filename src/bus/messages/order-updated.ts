import { z } from 'zod';
import { Side } from '../../model/side.ts';
import { DecimalString } from '../../model/decimal-string.ts';
import { OrderStatus } from '../../model/order-status.ts';
import { defineMessage } from '../define-message.ts';

/** An order changed status (submitted, filled, canceled, …). */
export const OrderUpdated = defineMessage({
  type: 'execution.order_updated',
  topic: 'execution_events',
  description: 'An order changed status on the exchange or in the system',
  payload: z
    .object({
      orderId: z.string().min(1),
      clientOrderId: z.string().min(1),
      status: OrderStatus,
      side: Side,
      filledQty: DecimalString,
      avgFillPrice: DecimalString.nullable(),
    })
    .strict(),
});
