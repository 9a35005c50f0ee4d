/**
 * What a sweep can rank its runs by; `maxDrawdownPct` best lowest, every other best highest.
 * Plain data (no zod) so that the CLI can offer them without loading a schema library.
 */
export const SWEEP_METRICS = [
  'returnPct',
  'strategyPnlUsd',
  'sharpe',
  'sortino',
  'maxDrawdownPct',
  'profitFactor',
  'winRatePct',
] as const;
