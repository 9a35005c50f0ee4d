import { Decimal } from '../model/decimal.ts';
import { z } from 'zod';
import { TradingPair } from '../model/trading-pair.ts';
import { unwrapSchema } from './schema-at-path.ts';

/**
 * Field builders shared by the config sections, so that every duration, percentage and
 * amount is validated the same way and every violation states the allowed range.
 */

export { durationMs, pct, ratio } from './fields/number-fields.ts';

/** A TCP port. */
export const port = () => z.number().int().min(1).max(65_535);

const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * A non-negative quantity of an asset (cash, notional, a hodl bag) as a decimal string such
 * as "10000" or "0.015": money never goes through a float. Bounds are inclusive.
 */
export function decimalAmount(bounds: { min?: string; max?: string } = {}) {
  return z
    .string()
    .regex(DECIMAL, 'expected a non-negative decimal string such as "10" or "0.015"')
    .superRefine((value, ctx) => {
      if (!DECIMAL.test(value)) return;
      const amount = new Decimal(value);
      const tooSmall = bounds.min !== undefined && amount.lt(bounds.min);
      const tooBig = bounds.max !== undefined && amount.gt(bounds.max);
      if (tooSmall || tooBig)
        ctx.addIssue({ code: 'custom', message: `"${value}" is out of range (${describeAmountBounds(bounds)})` });
    });
}

function describeAmountBounds({ min, max }: { min?: string; max?: string }): string {
  if (min !== undefined && max !== undefined) return `allowed ${min} to ${max}`;
  if (min !== undefined) return `allowed at least ${min}`;
  return `allowed at most ${max ?? ''}`;
}

/** An asset code such as `BTC`, `XRP` or `USD`. */
export const assetCode = () => z.string().regex(/^[A-Z0-9]{2,12}$/, 'expected an asset code such as BTC or USD');

/** A trading pair such as `BTC/USD`. */
export const tradingPair = () => TradingPair;

/** An http(s) URL. */
export const httpUrl = () => z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });

/** The schemas built by `secret()`, so that loading can tell a secret field from any other string. */
export const secretFields = z.registry();

/**
 * A secret. Config files hold only `${VAR}` references to it (loading refuses a literal value
 * there, see `refuseLiteralSecrets`); the value comes from the environment and is masked by
 * `config show` and in logs. Empty means "not configured".
 */
export function secret() {
  const field = z.string();
  secretFields.add(field);
  return field.default('');
}

/** True when `schema` (wrappers aside) was built by `secret()`. */
export function isSecretField(schema: z.ZodType | undefined): boolean {
  return schema !== undefined && secretFields.has(unwrapSchema(schema));
}
