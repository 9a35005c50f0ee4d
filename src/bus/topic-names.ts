/**
 * The ten topics of the bus. Adding one is a contract change: update ARCHITECTURE §2.
 * A plain list, free of zod, so the CLI can name the topics without loading the bus.
 */
export const topicNames = [
  'market_data',
  'ta_signals',
  'regime_updates',
  'sentiment_updates',
  'trading_signals',
  'risk_alerts',
  'execution_events',
  'portfolio_updates',
  'system_events',
  'coordinator_commands',
] as const;
