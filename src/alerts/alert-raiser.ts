import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AlertsConfig } from '../config/sections/alerts-config.ts';
import type { Keys } from '../keys.ts';
import type { Logger } from '../shared/logger.ts';
import { describeError, TriplegainError } from '../shared/triplegain-error.ts';
import { Alert, type NewAlert } from './alert.ts';
import { alertJobId, alertJobOptions, alertWindowKey, DELIVER_ALERT, type AlertDelivery } from './alert-delivery.ts';
import { alertReceivers } from './alert-receiver.ts';
import { alertWindowScript } from './alert-window-script.ts';

/** What raising one occurrence did. */
export type RaiseOutcome = 'enqueued' | 'counted' | 'duplicate' | 'off';

/** Where the places that record an event hand it on as an alert. */
export interface AlertSink {
  /** Raises an alert and never throws: a failure is logged (the event itself is recorded elsewhere). */
  report(alert: NewAlert): Promise<void>;
}

export interface AlertRaiserDeps {
  redis: Redis;
  keys: Keys;
  /** The `alerts` queue. */
  queue: Pick<Queue, 'addBulk'>;
  config: AlertsConfig;
  logger: Logger;
  /** Wall clock (windows are real time, whatever the market clock says). Default `Date.now`. */
  now?: () => number;
}

/** Keeps a window's hash this long past the window, so that a late count still finds it. */
const KEEP_PAST_WINDOW_MS = 86_400_000;

/**
 * Turns occurrences into deliveries, deduplicated and rate-limited: the first occurrence of an
 * alert (kind + subject) opens a window of `alerts.windowMs` and enqueues one delivery job per
 * receiver, delayed by `alerts.collapseMs`; further occurrences in the window are counted only
 * (the message reports the count when it goes out; those after it, with the next window's
 * message). The job id is the window's dedupe key, so a raise repeated after a failure
 * enqueues nothing twice.
 */
export class AlertRaiser implements AlertSink {
  private readonly receivers: string[];

  constructor(private readonly deps: AlertRaiserDeps) {
    this.receivers = alertReceivers(deps.config).map((r) => r.id);
  }

  /** Whether any receiver is configured; without one, raising does nothing. */
  get enabled(): boolean {
    return this.receivers.length > 0;
  }

  /**
   * @throws TriplegainError `MESSAGE_INVALID` for an invalid alert; whatever Redis throws (the
   *   caller raises it again later: a repeat is idempotent).
   */
  async raise(input: NewAlert): Promise<RaiseOutcome> {
    const parsed = Alert.safeParse(input);
    if (!parsed.success)
      throw new TriplegainError(
        'MESSAGE_INVALID',
        `invalid alert: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(alert)'}: ${i.message}`).join('; ')}`,
      );
    if (!this.enabled) return 'off';
    const alert = parsed.data;
    const { config } = this.deps;
    const [outcome, openedAtMs, carried] = (await alertWindowScript.run(
      this.deps.redis,
      [alertWindowKey(this.deps.keys, alert.kind, alert.subject)],
      [alert.occurrenceId, (this.deps.now ?? Date.now)(), config.windowMs, config.windowMs + KEEP_PAST_WINDOW_MS],
    )) as [string, number, number];
    if (outcome !== 'opened') return outcome === 'counted' ? 'counted' : 'duplicate';
    await this.deps.queue.addBulk(
      this.receivers.map((receiver) => {
        const data: AlertDelivery = { receiver, alert, window: { openedAtMs, windowMs: config.windowMs, carried } };
        return {
          name: DELIVER_ALERT,
          data,
          opts: alertJobOptions(config, alertJobId(receiver, alert.kind, alert.subject, openedAtMs), config.collapseMs),
        };
      }),
    );
    return 'enqueued';
  }

  async report(input: NewAlert): Promise<void> {
    try {
      await this.raise(input);
    } catch (err) {
      this.deps.logger.error({ kind: input.kind, subject: input.subject, err: describeError(err) }, 'alert not raised');
    }
  }
}
