import { CoordinatorStateChanged } from '../bus/messages/coordinator-state-changed.ts';
import { queuesPausedIn } from '../control/managed-queues.ts';
import { lastRecordedPayload } from '../db/last-recorded-payload.ts';
import type { ChaosContext } from './chaos-context.ts';
import { faultOutcome, type FaultOutcome } from './fault-outcome.ts';
import type { PlannedFault } from './plan-faults.ts';

/** Wall time a halt is held under load before the submissions are counted and it is lifted. */
export const HALT_HOLD_MS = 3_000;
/** Wall time the workers have to restore a halt Redis lost (control watch beats every 500 ms). */
export const HALT_RESTORE_LIMIT_MS = 5_000;
const REQUESTED_BY = 'chaos';

const waitMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Carries out one planned fault; resolves once the cluster is whole again and trading resumed. */
export async function runFault(ctx: ChaosContext, fault: PlannedFault, startedAtMs: number): Promise<FaultOutcome> {
  switch (fault.kind) {
    case 'worker_kill': {
      const workers = ctx.cluster.running('worker');
      const victim = workers[fault.target % workers.length]!;
      await ctx.cluster.kill(victim);
      ctx.cluster.start('worker');
      return faultOutcome(fault.kind, startedAtMs, { kills: 1, detail: 'a replacement started at once' });
    }
    case 'redis_kill': {
      await ctx.restartRedis(fault.downMs);
      return faultOutcome(fault.kind, startedAtMs, { kills: 1, detail: 'restarted from its AOF' });
    }
    case 'backend_terminate': {
      let terminated = 0;
      for (let attempt = 0; attempt < 20 && terminated === 0; attempt++) {
        terminated = await ctx.db.terminateBusyBackends();
        if (terminated === 0) await waitMs(100);
      }
      return faultOutcome(fault.kind, startedAtMs, { terminatedBackends: terminated, detail: `${terminated} backends terminated` });
    }
    case 'halt_resume':
      return haltUnderLoad(ctx, startedAtMs, false);
    case 'flush_while_halted':
      return haltUnderLoad(ctx, startedAtMs, true);
  }
}

/**
 * Halts, tries Bull Board resumes, optionally loses Redis' data (FLUSHALL, scheduler
 * restarted) and checks the halt comes back, counts the orders the exchange got after `halt`
 * returned, then resets and resumes.
 */
async function haltUnderLoad(ctx: ChaosContext, startedAtMs: number, flush: boolean): Promise<FaultOutcome> {
  const halted = await ctx.control.apply('halt', { requestedBy: REQUESTED_BY, reason: flush ? 'chaos: flush while halted' : 'chaos: halt under load' });
  const haltReturned = await ctx.db.now();
  const boardResumes = await tryBoardResumes(ctx);
  let kills = 0;
  let haltLost = false;
  let detail = '';
  let haltRestoredMs: number | undefined;
  if (flush) {
    // Redis loses everything once the halt is on record, as a replica promoted empty would.
    const recordedAfterMs = await waitUntilRecorded(ctx, halted.version);
    await ctx.redis.flushall();
    const [scheduler] = ctx.cluster.running('scheduler');
    if (scheduler) {
      await ctx.cluster.kill(scheduler);
      kills += 1;
    }
    ctx.cluster.start('scheduler');
    haltRestoredMs = await waitUntilHaltRestored(ctx);
    haltLost = haltRestoredMs === undefined;
    detail = `halt on record after ${recordedAfterMs} ms, restored ${haltRestoredMs === undefined ? 'never' : `after ${haltRestoredMs} ms`}`;
  }
  await waitMs(HALT_HOLD_MS);
  const submissionsAfterHalt = await ctx.db.submissionsBetween(haltReturned, await ctx.db.now());
  await resumeTrading(ctx);
  return faultOutcome(flush ? 'flush_while_halted' : 'halt_resume', startedAtMs, { kills, submissionsAfterHalt, boardResumes, haltLost, haltRestoredMs, detail });
}

/** Bull Board's resume of the execution queue and its "resume all", with the operator's login. */
async function tryBoardResumes(ctx: ChaosContext): Promise<{ tried: number; accepted: number }> {
  const auth = `Basic ${Buffer.from(`${ctx.board.user}:${ctx.board.password}`).toString('base64')}`;
  let accepted = 0;
  const paths = ['/ui/api/queues/execution/resume', '/ui/api/queues/resume'];
  for (const path of paths) {
    const res = await fetch(`${ctx.board.url}${path}`, { method: 'PUT', headers: { authorization: auth } });
    await res.arrayBuffer();
    if (res.status < 400) accepted += 1;
    else if (res.status !== 403) ctx.say(`  board answered ${res.status} to PUT ${path} (expected 403)`);
  }
  return { tried: paths.length, accepted };
}

/** Wall time until `system_events` holds the state change of `version` (at most 10 s). */
async function waitUntilRecorded(ctx: ChaosContext, version: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < 10_000) {
    const recorded = await lastRecordedPayload(ctx.appDb, CoordinatorStateChanged);
    if (recorded && recorded.payload.version >= version) break;
    await waitMs(20);
  }
  return Date.now() - started;
}

/** Wall time until Redis holds HALTED again with every queue of a halt paused; undefined past the limit. */
async function waitUntilHaltRestored(ctx: ChaosContext): Promise<number | undefined> {
  const started = Date.now();
  const mustBePaused = queuesPausedIn('HALTED');
  while (Date.now() - started < HALT_RESTORE_LIMIT_MS) {
    const state = await ctx.redis.hget(ctx.keys.controlState, 'state').catch(() => null);
    if (state === 'HALTED') {
      const status = await ctx.control.status();
      if (mustBePaused.every((q) => status.pausedQueues.includes(q))) return Date.now() - started;
    }
    await waitMs(50);
  }
  return undefined;
}

/** From HALTED or PAUSED (a fault's halt, or a breaker's) back to RUNNING. */
export async function resumeTrading(ctx: ChaosContext): Promise<void> {
  let { state } = await ctx.control.current();
  if (state === 'HALTED') state = (await ctx.control.apply('reset', { requestedBy: REQUESTED_BY, reason: 'chaos: lift the halt' })).to;
  if (state === 'PAUSED') await ctx.control.apply('resume', { requestedBy: REQUESTED_BY, reason: 'chaos: trade again' });
}
