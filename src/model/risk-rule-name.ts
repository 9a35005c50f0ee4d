import { z } from 'zod';

/** Stable codes of the risk rules, as they appear in approvals and `risk.order_denied`. */
export const RiskRuleName = z.enum([
  'cluster_state',
  'trading_state',
  'positive_equity',
  'positive_market_price',
  'positive_size',
  'min_order_size',
  'max_leverage',
  'spot_short',
  'max_open_positions',
  'max_adds',
  'stop_loss_required',
  'stop_loss_distance',
  'min_confidence',
  'regime',
  'cooldown',
  'entries_paused',
  'max_position_size',
  'max_exposure',
  'max_order_notional',
  'risk_per_trade',
  'exit_within_position',
  'exit_in_flight',
  'free_cash',
  'entry_deviation',
  'instrument_minimum',
  'margin_off',
  'leverage_not_allowed',
]);
export type RiskRuleName = z.infer<typeof RiskRuleName>;
