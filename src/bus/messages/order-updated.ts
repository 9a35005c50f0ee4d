import { z } from 'zod';
import { DecimalString } from '../../shared/decimal-string.ts';
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
      status: z.string().min(1),
      side: z.enum(['buy', 'sell']),
      filledQty: DecimalString,
      avgFillPrice: DecimalString.nullable(),
    })
    .strict(),
});
