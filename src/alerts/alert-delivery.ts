import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AlertsConfig } from '../config/sections/alerts-config.ts';
import type { Keys } from '../keys.ts';
import { Alert, type AlertKind } from './alert.ts';

/** The one job name of the `alerts` queue. */
export const DELIVER_ALERT = 'deliver';

/**
 * One alert to one receiver: the data of a job of the `alerts` queue. It names the receiver;
 * its URL, headers and token are read from config when the job runs, so none is ever stored.
 */
export const AlertDelivery = z
  .object({
    /** `webhook-<name>` or `telegram` (`alertReceivers`). */
    receiver: z.string().min(1),
    alert: Alert,
    window: z
      .object({
        openedAtMs: z.number().int().nonnegative(),
        windowMs: z.number().int().positive(),
        /** Occurrences of the window before, counted after its message had gone out. */
        carried: z.number().int().nonnegative(),
      })
      .strict(),
  })
  .strict();
export type AlertDelivery = z.output<typeof AlertDelivery>;

/** Hash of an alert's subject, for its keys and job ids (a subject may hold any character). */
export function subjectHash(subject: string): string {
  return createHash('sha256').update(subject).digest('hex').slice(0, 16);
}

/** The dedupe key of an alert's window, the same for every receiver: `<kind>.<subject hash>.<opened at ms>`. */
export function alertWindowId(kind: AlertKind, subject: string, openedAtMs: number): string {
  return `${kind}.${subjectHash(subject)}.${openedAtMs}`;
}

/** The job id of one delivery (BullMQ refuses `:` in ids): the receiver, then the window's dedupe key. */
export function alertJobId(receiver: string, kind: AlertKind, subject: string, openedAtMs: number): string {
  return `${receiver}.${alertWindowId(kind, subject, openedAtMs)}`;
}

export function alertWindowKey(keys: Keys, kind: AlertKind, subject: string): string {
  return keys.alertWindow(kind, subjectHash(subject));
}

/**
 * BullMQ options of a delivery: `alerts.delivery` tries with exponential backoff; completed
 * jobs kept a day (a repeated raise finds its job and adds nothing), failed ones kept until an
 * operator retries or removes them on Bull Board.
 */
export function alertJobOptions(config: AlertsConfig, jobId: string, delayMs: number) {
  return {
    jobId,
    delay: delayMs,
    attempts: config.delivery.attempts,
    backoff: { type: 'exponential' as const, delay: config.delivery.backoffMs },
    removeOnComplete: { age: 86_400, count: 10_000 },
    removeOnFail: false,
  };
}
