import type { FaultKind } from './fault-kind.ts';
import type { BoardResumes } from './try-board-resumes.ts';

/** What one fault did and what the cluster did about it. */
export interface FaultOutcome {
  kind: FaultKind;
  /** Wall time the fault began (ms since the epoch). */
  startedAtMs: number;
  /**
   * Wall time from the fault's end (the cluster whole again, trading resumed) to the next
   * panel decision recorded in the database; `undefined` when none came within the limit.
   */
  recoveryMs: number | undefined;
  /** Processes (workers, redis-server, the scheduler) killed with SIGKILL. */
  kills: number;
  /** Orders the exchange received between `halt` returning and the reset (halts only). */
  submissionsAfterHalt: number;
  /** Bull Board resumes of a managed queue tried while HALTED: accepted, and answers that were not the kill switch's refusal. */
  boardResumes: BoardResumes;
  /**
   * Halts: the state or a queue pause of HALTED was gone at the end of the hold, or
   * (`flush_while_halted`) not back within the limit after the flush.
   */
  haltLost: boolean;
  /** `flush_while_halted`: wall time from the FLUSHALL to HALTED and paused queues again. */
  haltRestoredMs?: number;
  /** `backend_terminate`: database connections terminated. */
  terminatedBackends?: number;
  /** One line on what was done, e.g. `terminated 3 busy backends`. */
  detail: string;
}

/** An outcome with nothing counted against the cluster. */
export function faultOutcome(
  kind: FaultKind,
  startedAtMs: number,
  fields: Partial<Omit<FaultOutcome, 'kind' | 'startedAtMs'>> = {},
): FaultOutcome {
  return {
    kind,
    startedAtMs,
    recoveryMs: undefined,
    kills: 0,
    submissionsAfterHalt: 0,
    boardResumes: { tried: 0, accepted: 0, unexpected: [] },
    haltLost: false,
    detail: '',
    ...fields,
  };
}
