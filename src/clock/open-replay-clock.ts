import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Keys } from '../keys.ts';
import type { Logger } from '../shared/logger.ts';
import { SimulatedClock } from './simulated-clock.ts';

/** Where the cluster's replay stands: market time `marketMs` at wall time `wallMs`. */
const ReplayAnchor = z
  .object({ marketMs: z.number().int(), wallMs: z.number().int(), speed: z.number().positive() })
  .strict();
type ReplayAnchor = z.infer<typeof ReplayAnchor>;

/** How often a process writes where the replay stands. */
export const REPLAY_HEARTBEAT_MS = 5_000;
/** An anchor older than this means the whole cluster was down: the replay resumes where it stood. */
export const REPLAY_STALE_MS = 30_000;

export interface ReplayClock {
  clock: SimulatedClock;
  /** Stops the heartbeat. */
  stop(): void;
}

/**
 * The market clock of a replay, shared by every process of the cluster through one Redis key,
 * so that all workers see the same market time. The first process starts it at `startMs`; the
 * others join it; every process writes where it stands every `REPLAY_HEARTBEAT_MS`. After the
 * whole cluster was stopped (no heartbeat for `REPLAY_STALE_MS`) the replay resumes at the
 * market time it had reached, instead of jumping ahead by the downtime × speed. Delete the key
 * (`redis-cli DEL <prefix>:replay:clock`) to start over.
 *
 * Wall clocks of the machines are assumed to be NTP-synchronised (as BullMQ's schedulers assume).
 */
export async function openReplayClock(
  deps: { redis: Redis; keys: Keys; logger: Logger },
  args: { startMs: number; speed: number },
): Promise<ReplayClock> {
  const nowWall = Date.now();
  const fresh: ReplayAnchor = { marketMs: Math.floor(args.startMs), wallMs: nowWall, speed: args.speed };
  await deps.redis.set(deps.keys.replayClock, JSON.stringify(fresh), 'NX');
  const parsed = ReplayAnchor.safeParse(JSON.parse((await deps.redis.get(deps.keys.replayClock)) ?? 'null'));
  let anchor = parsed.success ? parsed.data : fresh;
  if (anchor.wallMs < nowWall - REPLAY_STALE_MS) anchor = { ...anchor, wallMs: nowWall };
  if (anchor.speed !== args.speed) {
    deps.logger.warn(
      { configured: args.speed, running: anchor.speed },
      'replay already running at another speed: joining it',
    );
  }
  const clock = new SimulatedClock({
    startMs: anchor.marketMs + (nowWall - anchor.wallMs) * anchor.speed,
    speed: anchor.speed,
  });
  deps.logger.info({ marketTime: new Date(clock.now()).toISOString(), speed: anchor.speed }, 'replay clock');

  const beat = () => {
    const beatAnchor: ReplayAnchor = { marketMs: clock.now(), wallMs: Date.now(), speed: anchor.speed };
    deps.redis.set(deps.keys.replayClock, JSON.stringify(beatAnchor)).catch(() => undefined);
  };
  beat();
  const timer = setInterval(beat, REPLAY_HEARTBEAT_MS);
  timer.unref();
  return { clock, stop: () => clearInterval(timer) };
}
