import { z } from 'zod';
import { CoordinatorState } from '../model/coordinator-state.ts';

/** The control hash in Redis (`keys.controlState`), every field a string there. */
export const ControlStateRecord = z
  .object({
    state: CoordinatorState,
    /** Increases by one with every applied command; 0 before the first. */
    version: z.coerce.number().int().nonnegative(),
    /** How many `reset` commands were applied: the risk engine clears its breakers when this grows. */
    resets: z.coerce.number().int().nonnegative(),
    changedAtMs: z.coerce.number().int().nonnegative(),
    requestedBy: z.string(),
    reason: z.string(),
    cancelOrders: z.enum(['0', '1']).transform((v) => v === '1'),
    flatten: z.enum(['0', '1']).transform((v) => v === '1'),
  })
  .strict();
export type ControlStateRecord = z.infer<typeof ControlStateRecord>;

/** The state of a cluster no command has touched yet. */
export const INITIAL_CONTROL_STATE: ControlStateRecord = {
  state: 'RUNNING',
  version: 0,
  resets: 0,
  changedAtMs: 0,
  requestedBy: '',
  reason: '',
  cancelOrders: false,
  flatten: false,
};

/** The record as hash fields. */
export function toControlHash(record: ControlStateRecord): Record<string, string> {
  return {
    state: record.state,
    version: String(record.version),
    resets: String(record.resets),
    changedAtMs: String(record.changedAtMs),
    requestedBy: record.requestedBy,
    reason: record.reason,
    cancelOrders: record.cancelOrders ? '1' : '0',
    flatten: record.flatten ? '1' : '0',
  };
}
