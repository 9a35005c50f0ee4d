import { z } from 'zod';
import { Severity } from '../model/severity.ts';

/**
 * What an alert is about. One kind per thing an operator must hear of at once; each is raised
 * from one place (see `README` of the alerts config and the call sites named here):
 * - `breaker_tripped`: a risk circuit breaker tripped (`risk.breaker_tripped`, via the dispatcher);
 * - `trading_state_changed`: a halt, pause, resume or reset (`coordinator.state_changed`, via the dispatcher);
 * - `degradation_changed`: the degradation level moved (`system.degradation_changed`, via the dispatcher);
 * - `message_dead_lettered`: a bus message was dead-lettered (the bus raises `bus.message_dead_lettered`);
 * - `system_alert`: any other `system.alert_raised` of severity error or critical (a subscription tripped…);
 * - `order_rejected`: the exchange refused an order (`placeOrderOnce`);
 * - `position_unprotected`: an open position has no resting stop, or entries wait for one (`syncProtectiveStop`, `reprotectPositions`);
 * - `approval_orphaned`: an approval never became an order (`recordOrphanedApprovals`);
 * - `model_budget_spent`: the day's model budget is spent (the model layer).
 */
export const AlertKind = z.enum([
  'breaker_tripped',
  'trading_state_changed',
  'degradation_changed',
  'message_dead_lettered',
  'system_alert',
  'order_rejected',
  'position_unprotected',
  'approval_orphaned',
  'model_budget_spent',
]);
export type AlertKind = z.infer<typeof AlertKind>;

/**
 * One occurrence of something to alert on. Carries no credential: receivers' URLs, headers and
 * tokens are read from config at delivery.
 */
export const Alert = z
  .object({
    kind: AlertKind,
    /** What it is about (a breaker, a state, a pair, a topic/group): with `kind`, the dedupe key. */
    subject: z.string().min(1).max(200),
    severity: Severity,
    /** One line. */
    title: z.string().min(1).max(200),
    message: z.string().min(1).max(2_000),
    details: z.record(z.string(), z.unknown()).default({}),
    /** Identifies the occurrence (a message id, a row id): one raised twice is counted once. */
    occurrenceId: z.string().min(1).max(200),
    /** When it happened, wall ms since the epoch. */
    occurredAtMs: z.number().int().nonnegative(),
    correlationId: z.string().min(1).nullable().default(null),
  })
  .strict();
export type Alert = z.output<typeof Alert>;
export type NewAlert = z.input<typeof Alert>;
