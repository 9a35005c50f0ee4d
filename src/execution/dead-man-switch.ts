import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { KrakenExchange } from '../kraken/kraken-exchange.ts';
import type { Keys } from '../keys.ts';
import { acquireLease, releaseLease, renewLease } from '../queues/run-lease.ts';
import type { Logger } from '../shared/logger.ts';
import { describeError } from '../shared/triplegain-error.ts';

export interface DeadManSwitchOptions {
  exchange: Pick<KrakenExchange, 'armDeadManSwitch'>;
  redis: Redis;
  keys: Pick<Keys, 'deadManSwitchLease' | 'deadManSwitchTrigger'>;
  /** Kraken's countdown, seconds (`execution.kraken.deadManSwitchSec`, > 0). */
  timeoutSec: number;
  /** How long the lease outlives a holder that stops renewing it, ms of wall time (`execution.kraken.deadManSwitchLeaseMs`). */
  leaseMs: number;
  logger: Logger;
  /** This worker's name in the lease. Default `<host>:<pid>:<random>`. */
  holder?: string;
  /**
   * Called when Kraken may have canceled every order of the account: the switch was not
   * re-armed before its trigger time (seen by the holder as its re-arms fail, or by a worker
   * taking over from one that died), and once more at the first re-arm after that (the
   * exchange answers again). Not awaited by the beat; awaited by `stop()`; errors are logged.
   */
  onMayHaveFired(reason: string): Promise<unknown>;
}

export interface DeadManSwitch {
  /** The first beat is done: this worker took the switch and armed it (or tried), or stands by. */
  readonly started: Promise<void>;
  /** Whether this worker holds the switch now. */
  holding(): boolean;
  /** Stops beating; the holder disarms the switch (timeout 0), then releases the lease. */
  stop(): Promise<void>;
}

/**
 * Keeps Kraken's dead man's switch (`CancelAllOrdersAfter`) armed by one worker of the cluster:
 * if that worker dies and nobody takes over, or the cluster loses the exchange, Kraken cancels
 * every open order of the account `timeoutSec` after the last arm
 * (https://docs.kraken.com/api-reference/trading/cancel-all-orders-after-x).
 *
 * - One holder: the worker holding the lease `keys.deadManSwitchLease` arms the switch, and
 *   re-arms it every third of `timeoutSec` (3 calls a minute for the account, whatever the
 *   number of workers). The others stand by and try to take the lease at every beat.
 * - Every interval is wall time (`Date.now()`, timers), whatever the market clock's replay
 *   speed: Kraken's countdown runs in real seconds. The beat is a third of the lease or of the
 *   re-arm interval, whichever is shorter; the holder renews the lease at every beat.
 * - Holder dead (no renewal): the lease lapses after `leaseMs` and a standby takes it at its
 *   next beat and arms at once, well before the trigger (`leaseMs` is at most half of
 *   `timeoutSec`). It reads the trigger time the holder recorded (`keys.deadManSwitchTrigger`):
 *   passed or unknown means Kraken may have canceled everything (`onMayHaveFired`).
 * - Re-arm failing (Kraken or Redis errors): logged, tried again at every beat; once the last
 *   successful arm's countdown (counted from when it was sent) has run out, `onMayHaveFired`.
 *   A re-arm that failed before that is followed, at the next one Kraken accepts, by
 *   `onMayHaveFired` too: whatever kept Kraken from answering may have canceled orders.
 * - Holder losing Redis: it cannot renew the lease, and it cannot reach Kraken either (the
 *   account's nonce lock is in Redis): it keeps trying both. Meanwhile the lease lapses and a
 *   standby that still reaches Redis takes over; when Redis comes back the old holder finds
 *   the lease taken and stands by. Two holders for a moment only arm the same timer twice.
 * - Planned stop: the holder disarms the switch (timeout 0; Kraken keeps every order, the
 *   resting stops included, while no worker runs), records it, and only then releases the
 *   lease, so that a standby taking over arms after the disarm, never before it. It disarms
 *   only while it still holds the lease (never undoing another holder's arm).
 */
export function startDeadManSwitch(opts: DeadManSwitchOptions): DeadManSwitch {
  const holder = opts.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const { redis, keys, logger } = opts;
  const timeoutMs = opts.timeoutSec * 1_000;
  const rearmEveryMs = timeoutMs / 3;
  const beatMs = Math.max(50, Math.min(opts.leaseMs / 3, rearmEveryMs));
  let holding = false;
  let stopped = false;
  let lastArmSentMs = Number.NEGATIVE_INFINITY;
  /** Wall time until which Kraken's countdown runs from the last arm it accepted; null when unknown. */
  let armedUntilMs: number | null = null;
  /** Why Kraken may have fired, until a re-arm succeeds after it. */
  let mayHaveFired: string | null = null;
  /** The error of the first re-arm that failed since the last one Kraken accepted. */
  let armFailed: string | null = null;
  const callbacks = new Set<Promise<void>>();

  const notify = (reason: string) => {
    const call = opts
      .onMayHaveFired(reason)
      .then(() => undefined)
      .catch((err: unknown) =>
        logger.error(
          { reason, err: describeError(err) },
          'after the dead man switch may have fired: positions not re-protected',
        ),
      )
      .finally(() => callbacks.delete(call));
    callbacks.add(call);
  };
  const suspect = (reason: string) => {
    if (mayHaveFired !== null) return;
    mayHaveFired = reason;
    logger.error({ reason }, 'dead man switch may have fired: Kraken may have canceled every order');
    notify(reason);
  };

  /** @returns whether Kraken accepted the arm. */
  const arm = async (): Promise<boolean> => {
    const sentMs = Date.now();
    lastArmSentMs = sentMs;
    try {
      const triggerTime = await opts.exchange.armDeadManSwitch(opts.timeoutSec);
      armedUntilMs = sentMs + timeoutMs;
      await redis
        .set(keys.deadManSwitchTrigger, String(armedUntilMs))
        .catch((err: unknown) => logger.warn({ err: describeError(err) }, 'dead man switch trigger time not recorded'));
      logger.debug({ triggerTime, holder }, 'dead man switch armed');
      if (mayHaveFired !== null) {
        const reason = mayHaveFired;
        mayHaveFired = null;
        armFailed = null;
        notify(`re-armed after: ${reason}`);
      } else if (armFailed !== null) {
        // Before its trigger time Kraken cannot have fired; but whatever kept Kraken from
        // answering (an outage, a maintenance) may have canceled orders too. One reconciliation
        // and stop check is cheap against a position left without its stop until the next bar.
        const reason = armFailed;
        armFailed = null;
        notify(`re-armed after a failed re-arm (${reason}): the stops are checked`);
      }
      return true;
    } catch (err) {
      logger.error({ holder, err: describeError(err) }, 'dead man switch not re-armed: tried again at the next beat');
      armFailed ??= describeError(err);
      if (armedUntilMs !== null && Date.now() >= armedUntilMs)
        suspect(`not re-armed before its trigger time ${new Date(armedUntilMs).toISOString()}: ${describeError(err)}`);
      return false;
    }
  };

  const takeOver = async () => {
    if ((await acquireLease(redis, keys.deadManSwitchLease, holder, opts.leaseMs)) !== '') return;
    holding = true;
    const recorded = await redis.get(keys.deadManSwitchTrigger).catch(() => null);
    const triggerMs = recorded === null ? null : Number(recorded);
    // The previous holder's countdown runs until this worker's first arm replaces it.
    if (triggerMs !== null && triggerMs > 0) armedUntilMs = triggerMs;
    logger.info({ holder, triggerMs }, 'dead man switch taken over');
    const takenAtMs = Date.now();
    const armed = await arm();
    let why: string | null = null;
    if (triggerMs === null)
      why = 'the dead man switch was taken over without a recorded trigger time (first start, or Redis lost it)';
    else if (triggerMs > 0 && triggerMs <= takenAtMs)
      why = `the dead man switch was due at ${new Date(triggerMs).toISOString()} and nobody re-armed it`;
    if (why === null) return;
    if (!armed) return suspect(why);
    logger.error({ reason: why }, 'dead man switch may have fired: Kraken may have canceled every order');
    notify(why);
  };

  const keep = async () => {
    const renewed = await renewLease(redis, keys.deadManSwitchLease, holder, opts.leaseMs).catch((err: unknown) => {
      // Unknown: still ours as far as we can tell; arming is harmless even if not.
      logger.warn({ holder, err: describeError(err) }, 'dead man switch lease not renewed (Redis): still arming');
      return true;
    });
    if (!renewed) {
      holding = false;
      logger.warn({ holder }, 'dead man switch lease lost (it lapsed, or another worker holds it): standing by');
      return;
    }
    // Re-armed at the first beat at most half a beat before it is due (with the defaults, 60 s
    // and a 20 s lease: 17 to 24 s apart, within Kraken's advice of a call every 15 to 30 s),
    // and at every beat while the last try failed.
    if (armFailed !== null || Date.now() + beatMs / 2 >= lastArmSentMs + rearmEveryMs) await arm();
    else if (armedUntilMs !== null && Date.now() >= armedUntilMs)
      suspect(`not re-armed before its trigger time ${new Date(armedUntilMs).toISOString()}`);
  };

  const beat = async () => {
    try {
      if (holding) await keep();
      else await takeOver();
    } catch (err) {
      logger.warn({ holder, err: describeError(err) }, 'dead man switch beat failed: tried again at the next beat');
    }
  };

  let timer: NodeJS.Timeout | undefined;
  let current = beat();
  const loop = () => {
    timer = setTimeout(() => {
      current = beat().then(() => {
        if (!stopped) loop();
      });
    }, beatMs);
    timer.unref();
  };
  const started = current.then(() => {
    if (!stopped) loop();
  });

  return {
    started,
    holding: () => holding,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await started;
      await current;
      await Promise.all([...callbacks]);
      if (!holding) return;
      holding = false;
      const stillOurs = await renewLease(redis, keys.deadManSwitchLease, holder, opts.leaseMs).catch(() => false);
      if (!stillOurs) return;
      try {
        await opts.exchange.armDeadManSwitch(0);
        await redis.set(keys.deadManSwitchTrigger, '0');
        logger.info({ holder }, 'dead man switch disarmed: orders stay while no worker runs');
      } catch (err) {
        logger.error(
          { holder, err: describeError(err) },
          'dead man switch not disarmed: Kraken cancels every order at its trigger time unless another worker re-arms it',
        );
      }
      await releaseLease(redis, keys.deadManSwitchLease, holder).catch((err: unknown) =>
        logger.warn({ holder, err: describeError(err) }, 'dead man switch lease not released: it lapses on its own'),
      );
    },
  };
}
