import type { ControlCommand } from '../model/control-command.ts';
import type { CoordinatorState } from '../model/coordinator-state.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';

/**
 * Every allowed (state, command) pair and where it leads. Repeating the command of the state
 * one is in is allowed (idempotent: a retried CLI call or a redelivered message succeeds).
 */
const TRANSITIONS: Readonly<Record<CoordinatorState, Partial<Record<ControlCommand, CoordinatorState>>>> = {
  RUNNING: { pause: 'PAUSED', resume: 'RUNNING', halt: 'HALTED', reset: 'RUNNING' },
  PAUSED: { pause: 'PAUSED', resume: 'RUNNING', halt: 'HALTED', reset: 'PAUSED' },
  // A halt is left deliberately: `reset` (which also clears the risk breakers) lands in PAUSED,
  // and trading starts again only with a separate `resume`. `pause` and `resume` are refused.
  HALTED: { halt: 'HALTED', reset: 'PAUSED' },
};

/**
 * Where `command` takes `state`.
 *
 * @throws TriplegainError `COMMAND_REFUSED` (not retryable) for a pair the table does not
 *   list, e.g. `resume` while HALTED.
 */
export function transitionCoordinatorState(state: CoordinatorState, command: ControlCommand): CoordinatorState {
  const next = TRANSITIONS[state][command];
  if (next === undefined) {
    const hint = state === 'HALTED' ? ': the cluster is halted; run `triplegain reset` first, then `resume`' : '';
    throw new TriplegainError('COMMAND_REFUSED', `cannot ${command} while ${state}${hint}`, { state, command });
  }
  return next;
}
