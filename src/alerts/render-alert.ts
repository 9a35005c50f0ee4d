import type { AlertDelivery } from './alert-delivery.ts';
import { alertWindowId } from './alert-delivery.ts';

/** Telegram refuses a message longer than this (characters after entity parsing; plain text here). */
const TELEGRAM_MAX_CHARS = 4_096;

const SEVERITY_MARK = { info: 'ℹ️', warning: '⚠️', error: '❗', critical: '🚨' } as const;

/**
 * The JSON a webhook receives. `id` is the same for every attempt and every receiver of one
 * window's message: a receiver dedupes retries on it. `count` is the occurrences in the window
 * when the message went out (at least 1), `carried` those of the previous window that came
 * after its message.
 */
export function alertWebhookBody(delivery: AlertDelivery, count: number): Record<string, unknown> {
  const { alert, window } = delivery;
  return {
    id: alertWindowId(alert.kind, alert.subject, window.openedAtMs),
    source: 'triplegain',
    kind: alert.kind,
    subject: alert.subject,
    severity: alert.severity,
    title: alert.title,
    message: alert.message,
    details: alert.details,
    occurredAt: new Date(alert.occurredAtMs).toISOString(),
    correlationId: alert.correlationId,
    count: Math.max(count, 1),
    carried: window.carried,
    windowMs: window.windowMs,
  };
}

/** The plain-text message Telegram shows: severity, title, message, and the count of a burst. */
export function alertTelegramText(delivery: AlertDelivery, count: number): string {
  const { alert, window } = delivery;
  const lines = [`${SEVERITY_MARK[alert.severity]} ${alert.severity.toUpperCase()}: ${alert.title}`, alert.message];
  const minutes = Math.round(window.windowMs / 60_000);
  const span = minutes >= 1 ? `${minutes} min` : `${Math.round(window.windowMs / 1_000)} s`;
  if (count > 1) lines.push(`(${count} times in ${span}; further ones in that window are not sent)`);
  if (window.carried > 0) lines.push(`(${window.carried} more after the previous message)`);
  lines.push(`${alert.kind} · ${alert.subject} · ${new Date(alert.occurredAtMs).toISOString()}`);
  const text = lines.join('\n');
  return text.length <= TELEGRAM_MAX_CHARS ? text : `${text.slice(0, TELEGRAM_MAX_CHARS - 1)}…`;
}
