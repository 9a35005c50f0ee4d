import { z } from 'zod';
import { ControlCommand } from '../../model/control-command.ts';
import { CoordinatorState } from '../../model/coordinator-state.ts';
import { defineMessage } from '../define-message.ts';

/** The cluster's trading state changed (also written to the `system_events` table, from which it is recovered). */
export const CoordinatorStateChanged = defineMessage({
  type: 'coordinator.state_changed',
  topic: 'system_events',
  description: 'RUNNING / PAUSED / HALTED changed by an operator, a breaker or the degradation level',
  payload: z
    .object({
      from: CoordinatorState,
      to: CoordinatorState,
      command: ControlCommand,
      /** Who asked: `cli:<user>`, `http`, `bus`, `breaker:drawdown`, `degradation`. */
      requestedBy: z.string().min(1),
      reason: z.string(),
      /** Queues paused once the change was in force. */
      pausedQueues: z.array(z.string()),
      /** A halt asked to cancel open orders / close positions as well. */
      cancelOrders: z.boolean(),
      flatten: z.boolean(),
      /** Version of the state after the change (increases by one per change). */
      version: z.number().int().positive(),
    })
    .strict(),
});
