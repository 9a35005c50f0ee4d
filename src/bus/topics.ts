import { z } from 'zod';

/** The ten topics of the bus. Adding one is a contract change: update ARCHITECTURE §2. */
export const Topic = z.enum([
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
]);
export type Topic = z.infer<typeof Topic>;
export const topics: readonly Topic[] = Topic.options;

/** `urgent` travels on the topic's priority lane and is handled before any backlog. */
export const Priority = z.enum(['low', 'normal', 'high', 'urgent']);
export type Priority = z.infer<typeof Priority>;

/** Lower ranks are handled first within one read. */
export const priorityRank: Record<Priority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };
