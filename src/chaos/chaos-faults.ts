import { setTimeout as sleep } from 'node:timers/promises';
import { CoordinatorStateChanged } from '../bus/messages/coordinator-state-changed.ts';
import { queuesPausedIn } from '../control/managed-queues.ts';
import { lastRecordedPayload } from '../db/last-recorded-payload.ts';
import type { ChaosContext } from './chaos-context.ts';
import { faultOutcome, type FaultOutcome } from './fault-outcome.ts';
import type { PlannedFault } from './plan-faults.ts';
import { tryBoardResumes } from './try-board-resumes.ts';

/** Wall time the workers have to restore a halt Redis lost, from the FLUSHALL (control watch beats every 500 ms). */
export const HALT_RESTORE_LIMIT_MS = 5_000;
const REQUESTED_BY = 'chaos';

/** Carries out one planned fault; resolves once the cluster is whole again and trading resumed. */
export async function runFault(ctx: ChaosContext, fault: PlannedFault, startedAtMs: number): Promise<FaultOutcome> {
  switch (fault.kind) {
    case 'worker_kill': {
      const workers = ctx.cluster.running('worker');
      const victim = workers[fault.target % workers.length];
      // None running: they all exited (each counted as unplanned); a worker is started all the same.
      const killed = victim !== undefined && (await ctx.cluster.kill(victim));
      ctx.cluster.start('worker');
      return faultOutcome(fault.kind, startedAtMs, {
        kills: killed ? 1 : 0,
        detail: killed ? `${victim} killed, a replacement started at once` : 'no worker running to kill; one started',
      });
    }
    case 'redis_kill': {
      await ctx.restartRedis(fault.downMs);
      return faultOutcome(fault.kind, startedAtMs, {
        kills: 1,
        detail: `down ${fault.downMs} ms, restarted from its AOF`,
      });
    }
    case 'backend_terminate': {
      let terminated = 0;
      for (let attempt = 0; attempt < 20 && terminated === 0; attempt++) {
        terminated = await ctx.db.terminateBusyBackends();
        if (terminated === 0) await sleep(100, undefined, { signal: ctx.signal });
      }
      return faultOutcome(fault.kind, startedAtMs, {
        terminatedBackends: terminated,
        detail: `${terminated} backends terminated`,
      });
    }
    case 'halt_resume':
      return haltUnderLoad(ctx, startedAtMs, false);
    case 'flush_while_halted':
      return haltUnderLoad(ctx, startedAtMs, true);
  }
}

/**
 * Halts, tries Bull Board resumes, optionally loses Redis' data (FLUSHALL, scheduler
 * restarted) and checks the halt comes back, holds the halt `ctx.haltHoldMs` more, checks it
 * is still whole (HALTED, every queue of a halt paused), counts the orders the
 * exchange got after `halt` returned, then resets and resumes.
 */
async function haltUnderLoad(ctx: ChaosContext, startedAtMs: number, flush: boolean): Promise<FaultOutcome> {
  const halted = await ctx.control.apply('halt', {
    requestedBy: REQUESTED_BY,
    reason: flush ? 'chaos: flush while halted' : 'chaos: halt under load',
  });
  const haltReturned = await ctx.db.now();
  const heldFromMs = Date.now();
  const boardResumes = await tryBoardResumes(ctx.board, ctx.signal);
  for (const answer of boardResumes.unexpected) ctx.say(`  board: ${answer} (expected the kill switch's 403)`);
  let kills = 0;
  // The halt's wait for submissions under way timed out: those may reach the exchange after it returned.
  const details: string[] =
    halted.stillInFlight.length > 0
      ? [`${halted.stillInFlight.length} submissions still under way when halt returned`]
      : [];
  let haltRestoredMs: number | undefined;
  if (flush) {
    // Redis loses everything once the halt is on record, as a replica promoted empty would.
    const recordedAfterMs = await waitUntilRecorded(ctx, halted.version);
    const flushedAtMs = Date.now();
    await ctx.redis.flushall();
    const [scheduler] = ctx.cluster.running('scheduler');
    if (scheduler !== undefined && (await ctx.cluster.kill(scheduler))) kills += 1;
    ctx.cluster.start('scheduler');
    haltRestoredMs = await waitUntilHaltWhole(ctx, flushedAtMs, HALT_RESTORE_LIMIT_MS);
    details.push(
      `halt on record after ${recordedAfterMs === undefined ? 'never (10 s)' : `${recordedAfterMs} ms`}`,
      `restored ${haltRestoredMs === undefined ? 'never' : `${haltRestoredMs} ms after the flush`}`,
    );
  }
  await sleep(ctx.haltHoldMs, undefined, { signal: ctx.signal });
  // Whatever happened during the hold (a board resume let through, a restore gone wrong), the halt must still be whole.
  const wholeAtEnd = (await waitUntilHaltWhole(ctx, Date.now(), 0)) !== undefined;
  const submissionsAfterHalt = await ctx.db.submissionsBetween(haltReturned, await ctx.db.now());
  details.push(`held ${((Date.now() - heldFromMs) / 1000).toFixed(1)} s${wholeAtEnd ? '' : ', NOT WHOLE at its end'}`);
  await resumeTrading(ctx);
  const haltLost = (flush && haltRestoredMs === undefined) || !wholeAtEnd;
  return faultOutcome(flush ? 'flush_while_halted' : 'halt_resume', startedAtMs, {
    kills,
    submissionsAfterHalt,
    boardResumes,
    haltLost,
    haltRestoredMs,
    detail: details.join(', '),
  });
}

/** Wall time until `system_events` holds the state change of `version`; undefined past 10 s. */
async function waitUntilRecorded(ctx: ChaosContext, version: number): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started < 10_000) {
    const recorded = await lastRecordedPayload(ctx.db.database.db, CoordinatorStateChanged);
    if (recorded && recorded.payload.version >= version) return Date.now() - started;
    await sleep(20, undefined, { signal: ctx.signal });
  }
  return undefined;
}

/**
 * Wall time from `sinceMs` until Redis holds HALTED with every queue of a halt paused (looked
 * at least once); undefined when it does not within `limitMs` of `sinceMs`.
 */
async function waitUntilHaltWhole(ctx: ChaosContext, sinceMs: number, limitMs: number): Promise<number | undefined> {
  const mustBePaused = queuesPausedIn('HALTED');
  for (;;) {
    const state = await ctx.redis.hget(ctx.keys.controlState, 'state').catch(() => null);
    if (state === 'HALTED') {
      const status = await ctx.control.status().catch(() => undefined);
      if (status?.state === 'HALTED' && mustBePaused.every((q) => status.pausedQueues.includes(q)))
        return Date.now() - sinceMs;
    }
    if (Date.now() - sinceMs >= limitMs) return undefined;
    await sleep(50, undefined, { signal: ctx.signal });
  }
}

/** From HALTED or PAUSED (a fault's halt, or a breaker's) back to RUNNING. */
export async function resumeTrading(ctx: ChaosContext): Promise<void> {
  let { state } = await ctx.control.current();
  if (state === 'HALTED')
    state = (await ctx.control.apply('reset', { requestedBy: REQUESTED_BY, reason: 'chaos: lift the halt' })).to;
  if (state === 'PAUSED')
    await ctx.control.apply('resume', { requestedBy: REQUESTED_BY, reason: 'chaos: trade again' });
}
