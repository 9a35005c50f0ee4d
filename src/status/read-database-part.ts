import { z } from 'zod';
import { utcDayStartMs } from '../clock/utc-periods.ts';
import type { Timeframe } from '../model/timeframe.ts';
import { reconcilableOrderStatuses } from '../model/order-status.ts';
import { Position, PositionProtection } from '../positions/position.ts';
import { Dec, toStoredDecimal } from '../positions/position-decimal.ts';
import { valuePosition } from '../positions/valuation.ts';
import { DecimalString } from '../model/decimal-string.ts';
import type { SqlClient } from './sql-client.ts';
import type {
  DatabasePart,
  DecisionStatus,
  OpenOrderStatus,
  PositionStatus,
  TodayPnlSection,
} from './status-document.ts';

/** Decisions shown, newest first. */
const DECISIONS_SHOWN = 5;
/** Stop-loss orders with these statuses rest on the exchange (it has acknowledged them). */
const ON_EXCHANGE: readonly string[] = ['open', 'partially_filled'];

// Plain SQL over the tables of src/db/schema (the status test runs it on the migrated schema):
// numerics come back without their padding ("68600.1", as drizzle's columns read them), instants
// as epoch milliseconds.
const dec = (column: string) => `trim_scale(${column})::text`;
const ms = (column: string) => `floor(extract(epoch from ${column}) * 1000)::float8`;

const epochMs = z.number().int().nonnegative();

const PositionRow = z.object({
  id: z.number().int(),
  symbol: z.string(),
  side: z.string(),
  quantity: DecimalString,
  avg_entry_price: DecimalString,
  leverage: DecimalString,
  realized_pnl_usd: DecimalString,
  fees_usd: DecimalString,
  protection: z.unknown(),
  opened_at_ms: epochMs,
  updated_at_ms: epochMs,
});

const OrderRow = z.object({
  client_order_id: z.string(),
  exchange_order_id: z.string().nullable(),
  symbol: z.string(),
  side: z.string(),
  type: z.string(),
  purpose: z.string(),
  status: z.string(),
  quantity: DecimalString,
  filled_quantity: DecimalString,
  limit_price: DecimalString.nullable(),
  trigger_price: DecimalString.nullable(),
  created_at_ms: epochMs,
});
type OrderRow = z.infer<typeof OrderRow>;

const SnapshotRow = z.object({
  at_ms: epochMs,
  equity_usd: DecimalString,
  cash_usd: DecimalString,
  exposure_usd: DecimalString,
  unrealized_pnl_usd: DecimalString,
});
type SnapshotRow = z.infer<typeof SnapshotRow>;

const BarRow = z.object({ close: DecimalString, open_time_ms: epochMs });
type BarRow = z.infer<typeof BarRow>;

const DecisionRow = z.object({
  created_at_ms: epochMs,
  signal_id: z.string(),
  symbol: z.string(),
  action: z.string(),
  outcome: z.string(),
  proposal_id: z.string().nullable(),
  risk: z.string().nullable(),
});

export interface DatabasePartArgs {
  sql: SqlClient;
  account: string;
  timeframe: Timeframe;
  nowMs: number;
}

/**
 * What the database knows about the account: the latest valuation and today's P&L (see
 * `TodayPnlSection`), each open position at its mark (the latest stored close of the
 * configured timeframe, as `markOf` takes it) with its stop and whether that stop rests on the
 * exchange, the working orders, and the last decisions. The queries run at once. Reads only.
 *
 * @throws ZodError when a stored row no longer fits (a position the domain would refuse).
 */
export async function readDatabasePart(args: DatabasePartArgs): Promise<DatabasePart> {
  const { sql, account } = args;
  const dayStartMs = utcDayStartMs(args.nowMs);
  const rows = async <T>(schema: z.ZodType<T>, text: string, params: unknown[] = []): Promise<T[]> =>
    (await sql.query(text, params)).rows.map((r) => schema.parse(r));
  const snapshot = `SELECT ${ms('at')} AS at_ms, ${dec('equity_usd')} AS equity_usd, ${dec('cash_usd')} AS cash_usd, ${dec('exposure_usd')} AS exposure_usd, ${dec('unrealized_pnl_usd')} AS unrealized_pnl_usd FROM portfolio_snapshots WHERE account = $1`;

  const [positionRows, working, [latest], [before], [firstToday], decisions] = await Promise.all([
    rows(
      PositionRow,
      `SELECT id::float8 AS id, symbol, side, ${dec('quantity')} AS quantity, ${dec('avg_entry_price')} AS avg_entry_price, ${dec('leverage')} AS leverage, ${dec('realized_pnl_usd')} AS realized_pnl_usd, ${dec('fees_usd')} AS fees_usd, protection, ${ms('opened_at')} AS opened_at_ms, ${ms('updated_at')} AS updated_at_ms
       FROM positions WHERE account = $1 AND status = 'open' ORDER BY symbol`,
      [account],
    ),
    // Newest first: the first working stop of a symbol is the one a stop sync left.
    rows(
      OrderRow,
      `SELECT client_order_id, exchange_order_id, symbol, side, type, purpose, status, ${dec('quantity')} AS quantity, ${dec('filled_quantity')} AS filled_quantity, ${dec('limit_price')} AS limit_price, ${dec('trigger_price')} AS trigger_price, ${ms('created_at')} AS created_at_ms
       FROM orders WHERE exchange = $1 AND status = ANY($2::text[]) ORDER BY created_at DESC, client_order_id DESC`,
      [account, [...reconcilableOrderStatuses]],
    ),
    rows(SnapshotRow, `${snapshot} ORDER BY at DESC LIMIT 1`, [account]),
    rows(SnapshotRow, `${snapshot} AND at < $2 ORDER BY at DESC LIMIT 1`, [account, new Date(dayStartMs)]),
    rows(SnapshotRow, `${snapshot} AND at >= $2 ORDER BY at ASC LIMIT 1`, [account, new Date(dayStartMs)]),
    rows(
      DecisionRow,
      `SELECT ${ms('c.created_at')} AS created_at_ms, c.signal_id, c.symbol, c.action, c.outcome, c.proposal_id, r.decision AS risk
       FROM coordinator_decisions c LEFT JOIN risk_decisions r ON r.proposal_id = c.proposal_id
       ORDER BY c.created_at DESC, c.signal_id DESC LIMIT ${DECISIONS_SHOWN}`,
    ),
  ]);
  const positions = positionRows.map(toPosition);
  const marks = await Promise.all(
    positions.map(async (p) => {
      const [bar] = await rows(
        BarRow,
        `SELECT ${dec('close')} AS close, ${ms('open_time')} AS open_time_ms FROM candles WHERE symbol = $1 AND timeframe = $2 ORDER BY open_time DESC LIMIT 1`,
        [p.symbol, args.timeframe],
      );
      return bar ?? null;
    }),
  );

  return {
    available: true,
    account,
    portfolio: latest
      ? {
          valuedAtMs: latest.at_ms,
          equityUsd: latest.equity_usd,
          cashUsd: latest.cash_usd,
          exposureUsd: latest.exposure_usd,
          unrealizedPnlUsd: latest.unrealized_pnl_usd,
        }
      : null,
    today: todayPnl(latest, before ?? firstToday, dayStartMs),
    positions: positions.map((p, i) => positionStatus(positionRows[i]!.id, p, marks[i] ?? null, working)),
    // Oldest first, as people read a list of orders.
    openOrders: working.map(openOrder).reverse(),
    decisions: decisions.map(
      (d): DecisionStatus => ({
        atMs: d.created_at_ms,
        signalId: d.signal_id,
        symbol: d.symbol,
        action: d.action,
        outcome: d.outcome,
        proposalId: d.proposal_id,
        risk: d.risk,
      }),
    ),
  };
}

/** A stored position row as the domain's `Position`, as `toPosition` reads it. */
function toPosition(row: z.infer<typeof PositionRow>): Position {
  return Position.parse({
    symbol: row.symbol,
    side: row.side,
    quantity: row.quantity,
    avgEntryPrice: row.avg_entry_price,
    leverage: Number(row.leverage),
    realizedPnlUsd: row.realized_pnl_usd,
    feesUsd: row.fees_usd,
    openedAtMs: row.opened_at_ms,
    updatedAtMs: row.updated_at_ms,
    protection: PositionProtection.parse(row.protection),
  });
}

/** See `TodayPnlSection`: null unless the latest snapshot is of today. */
function todayPnl(
  latest: SnapshotRow | undefined,
  base: SnapshotRow | undefined,
  dayStartMs: number,
): TodayPnlSection | null {
  if (!latest || !base || latest.at_ms < dayStartMs) return null;
  return {
    dayStartMs,
    baseEquityUsd: base.equity_usd,
    baseAtMs: base.at_ms,
    equityUsd: latest.equity_usd,
    pnlUsd: toStoredDecimal(new Dec(latest.equity_usd).minus(base.equity_usd)),
  };
}

function positionStatus(
  id: number,
  position: Position,
  mark: BarRow | null,
  working: readonly OrderRow[],
): PositionStatus {
  const valued = mark ? valuePosition(position, mark.close) : null;
  const stops = working.filter((o) => o.symbol === position.symbol && o.purpose === 'stop_loss');
  const resting = stops.find((o) => ON_EXCHANGE.includes(o.status));
  const shown = resting ?? stops[0];
  const { stopLoss, takeProfit, trailing } = position.protection;
  return {
    id,
    symbol: position.symbol,
    side: position.side,
    quantity: position.quantity,
    avgEntryPrice: position.avgEntryPrice,
    leverage: position.leverage,
    markPrice: mark?.close ?? null,
    markAtMs: mark?.open_time_ms ?? null,
    unrealizedPnlUsd: valued?.unrealizedPnlUsd ?? null,
    realizedPnlUsd: position.realizedPnlUsd,
    openedAtMs: position.openedAtMs,
    stop: {
      stopLoss,
      trailingStop: trailing?.stopPrice ?? null,
      takeProfit,
      onExchange: resting !== undefined,
      order: shown
        ? {
            clientOrderId: shown.client_order_id,
            status: shown.status,
            triggerPrice: shown.trigger_price,
            quantity: shown.quantity,
          }
        : null,
    },
  };
}

function openOrder(o: OrderRow): OpenOrderStatus {
  return {
    clientOrderId: o.client_order_id,
    exchangeOrderId: o.exchange_order_id,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    purpose: o.purpose,
    status: o.status,
    quantity: o.quantity,
    filledQuantity: o.filled_quantity,
    limitPrice: o.limit_price,
    triggerPrice: o.trigger_price,
    createdAtMs: o.created_at_ms,
  };
}
