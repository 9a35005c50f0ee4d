import type { Registry } from 'prom-client';
import type { MetricsScrape } from '../metrics-sources.ts';
import { counterOf, gaugeOf, type Sample } from './series-of.ts';

// Prometheus samples are floats: money leaves its exact decimal string only here, at the edge.

/** Orders by purpose and status, fills, risk decisions, and the latest equity of each account. */
export function registerTradingSeries(registry: Registry, scrape: MetricsScrape): void {
  gaugeOf(
    registry,
    {
      name: 'triplegain_orders',
      help: 'Orders by purpose (entry, exit, stop_loss, …) and current status.',
      labelNames: ['purpose', 'status'],
    },
    () => scrape.get('orders'),
    (rows) => rows.map((r): Sample => [{ purpose: r.purpose, status: r.status }, r.orders]),
  );

  const fills = () => scrape.get('fills');
  const fillLabels = ['symbol', 'side'] as const;
  counterOf(
    registry,
    { name: 'triplegain_fills_total', help: 'Fills recorded, by pair and side.', labelNames: fillLabels },
    fills,
    (rows) => rows.map((r): Sample => [{ symbol: r.symbol, side: r.side }, r.fills]),
  );
  counterOf(
    registry,
    {
      name: 'triplegain_fill_notional_usd_total',
      help: 'Quantity × price of the fills, in the cash asset, by pair and side.',
      labelNames: fillLabels,
    },
    fills,
    (rows) => rows.map((r): Sample => [{ symbol: r.symbol, side: r.side }, Number(r.notionalUsd)]),
  );
  counterOf(
    registry,
    {
      name: 'triplegain_fill_fees_usd_total',
      help: 'Fees paid on the fills, in the cash asset, by pair and side.',
      labelNames: fillLabels,
    },
    fills,
    (rows) => rows.map((r): Sample => [{ symbol: r.symbol, side: r.side }, Number(r.feesUsd)]),
  );

  counterOf(
    registry,
    {
      name: 'triplegain_risk_decisions_total',
      help: 'Risk decisions by outcome (approved, denied) and the rule that denied (none for approvals).',
      labelNames: ['outcome', 'reason'],
    },
    () => scrape.get('risk_decisions'),
    (rows) => rows.map((r): Sample => [{ outcome: r.outcome, reason: r.reason }, r.decisions]),
  );

  const equity = () => scrape.get('equity');
  gaugeOf(
    registry,
    {
      name: 'triplegain_equity_usd',
      help: "The account's equity in its latest portfolio snapshot.",
      labelNames: ['account'],
    },
    equity,
    (rows) => rows.map((r): Sample => [{ account: r.account }, Number(r.equityUsd)]),
  );
  gaugeOf(
    registry,
    {
      name: 'triplegain_cash_usd',
      help: "The account's cash in its latest portfolio snapshot.",
      labelNames: ['account'],
    },
    equity,
    (rows) => rows.map((r): Sample => [{ account: r.account }, Number(r.cashUsd)]),
  );
  gaugeOf(
    registry,
    {
      name: 'triplegain_unrealized_pnl_usd',
      help: 'Unrealized P&L of the open positions in the latest portfolio snapshot.',
      labelNames: ['account'],
    },
    equity,
    (rows) => rows.map((r): Sample => [{ account: r.account }, Number(r.unrealizedPnlUsd)]),
  );
  gaugeOf(
    registry,
    {
      name: 'triplegain_equity_snapshot_timestamp_seconds',
      help: 'Slot start of the latest portfolio snapshot (market time in a replay), seconds since the epoch.',
      labelNames: ['account'],
    },
    equity,
    (rows) => rows.map((r): Sample => [{ account: r.account }, r.at.getTime() / 1_000]),
  );
}
