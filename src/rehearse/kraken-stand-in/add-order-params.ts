import type { Side } from '../../model/side.ts';
import { DecimalString } from '../../model/decimal-string.ts';
import { OrderType } from '../../exchange/exchange-port.ts';
import { invalidArgument, KRAKEN_ERRORS } from './kraken-errors.ts';

/** AddOrder's fields as the stand-in reads them. */
export interface AddOrderParams {
  /** `pair` as sent: an `AssetPairs` key or altname. */
  pair: string;
  side: Side;
  type: OrderType;
  volume: string;
  /** Limit (limit) or trigger (stop-loss, take-profit); null for market. */
  price: string | null;
  /** 1 for none. */
  leverage: number;
  reduceOnly: boolean;
  clOrdId: string | null;
  /** ms since the epoch, or null. */
  deadlineMs: number | null;
  validate: boolean;
}

/** How far ahead a `deadline` may be (AddOrder: "max now() + 60 seconds"). */
export const MAX_DEADLINE_AHEAD_MS = 60_000;

/** A long UUID, a short UUID, or free ASCII text of up to 18 characters (AddOrder's `cl_ord_id`). */
const CL_ORD_ID =
  /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{32}|[\x20-\x7e]{1,18})$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const ORDER_TYPES = new Set<string>(OrderType.options);
const isPositiveDecimal = (s: string | undefined): s is string =>
  s !== undefined && DecimalString.safeParse(s).success && /[1-9]/.test(s) && !s.startsWith('-');
const isTrue = (s: string | undefined): boolean => s === 'true' || s === '1';

/**
 * Reads AddOrder's fields (docs.kraken.com AddOrder:
 * https://docs.kraken.com/api-reference/trading/add-order), or the refusal of a field that is
 * missing or malformed: `EGeneral:Invalid arguments:<field>`. Only what the stand-in models is
 * accepted: the order types market, limit, stop-loss and take-profit. The leverage is read as
 * sent ("2.5" stays 2.5: whether the pair allows it is the account's question); a `deadline`
 * must be RFC3339 (`deadlineRefusal` judges its time). Pure.
 */
export function readAddOrderParams(
  params: Readonly<Record<string, string>>,
): { ok: true; order: AddOrderParams } | { ok: false; error: string } {
  const refuse = (field: string) => ({ ok: false as const, error: invalidArgument(field) });
  const { pair, type: side, ordertype, volume, price } = params;
  if (!pair) return refuse('pair');
  if (side !== 'buy' && side !== 'sell') return refuse('type');
  if (ordertype === undefined || !ORDER_TYPES.has(ordertype)) return refuse('ordertype');
  if (!isPositiveDecimal(volume)) return refuse('volume');
  const type = ordertype as OrderType;
  if (type !== 'market' && !isPositiveDecimal(price)) return refuse('price');

  let leverage = 1;
  const rawLeverage = params['leverage'];
  if (rawLeverage !== undefined && rawLeverage !== 'none') {
    const lev = /^\d+(\.\d+)?$/.test(rawLeverage) ? Number(rawLeverage) : NaN;
    if (!(lev >= 1)) return refuse('leverage');
    leverage = lev;
  }

  const clOrdId = params['cl_ord_id'] ?? null;
  if (clOrdId !== null && !CL_ORD_ID.test(clOrdId)) return refuse('cl_ord_id');

  let deadlineMs: number | null = null;
  const deadline = params['deadline'];
  if (deadline !== undefined) {
    deadlineMs = RFC3339.test(deadline) ? Date.parse(deadline) : NaN;
    if (Number.isNaN(deadlineMs)) return refuse('deadline');
  }

  return {
    ok: true,
    order: {
      pair,
      side,
      type,
      volume,
      price: type === 'market' ? null : price!,
      leverage,
      reduceOnly: isTrue(params['reduce_only']),
      clOrdId,
      deadlineMs,
      validate: isTrue(params['validate']),
    },
  };
}

/**
 * Why a deadline refuses the order arriving at `nowMs`, or null: passed →
 * `EService:Deadline elapsed`; more than 60 s ahead → `EGeneral:Invalid arguments:deadline`.
 * (AddOrder also says "min now() + 2 seconds": that is the least a client should allow for
 * the trip, so a deadline closer than 2 s is still accepted if it has not passed on arrival.)
 */
export function deadlineRefusal(deadlineMs: number | null, nowMs: number): string | null {
  if (deadlineMs === null) return null;
  if (deadlineMs <= nowMs) return KRAKEN_ERRORS.deadlineElapsed;
  if (deadlineMs > nowMs + MAX_DEADLINE_AHEAD_MS) return invalidArgument('deadline');
  return null;
}
