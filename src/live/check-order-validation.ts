import { z } from 'zod';
import { krakenFailure } from './kraken-failure.ts';
import { fail, ok, type LiveCheckLine } from './live-check-line.ts';
import type { LiveOutcome } from './live-outcome.ts';
import type { ValidationOrder } from './validation-order.ts';

/** A validate-only AddOrder's answer: the order described, and no `txid` (nothing placed). */
const ValidatedOrder = z.looseObject({
  descr: z.looseObject({ order: z.string() }).optional(),
  txid: z.unknown().optional(),
});

/** What Kraken said of the validate-only AddOrder of a pair (or why none was sent). */
export function checkOrderValidation(
  symbol: string,
  sent: { order: ValidationOrder; answer: LiveOutcome<Record<string, unknown>> } | { skipped: string },
): LiveCheckLine {
  const check = `order ${symbol}`;
  if ('skipped' in sent) return fail(check, `no validate-only order sent: ${sent.skipped}`, 'see the lines above');
  const { order, answer } = sent;
  const described = `limit buy ${order.quantity} at ${order.limitPrice}`;
  if (!answer.ok) {
    const failure = krakenFailure(answer.error);
    return fail(check, `Kraken refused the validate-only ${described}: ${failure.text}`, failure.fix);
  }
  const parsed = ValidatedOrder.safeParse(answer.value);
  if (parsed.success && parsed.data.txid !== undefined) {
    // validate=true was sent, so Kraken (or whatever answered for it) did not honour it.
    return fail(
      check,
      `Kraken answered the validate-only ${described} with a txid (${JSON.stringify(parsed.data.txid)}): an order may have been placed`,
      'cancel it on kraken.com now, and do not go live against this server',
    );
  }
  const descr = parsed.success ? parsed.data.descr?.order : undefined;
  return ok(check, `Kraken validated ${descr ? `"${descr}"` : described}; nothing placed`);
}
