import type { AlertsConfig, AlertTelegramConfig, AlertWebhookConfig } from '../config/sections/alerts-config.ts';

/** A configured receiver of alerts. Its `id` is what a delivery job names: never its URL or credentials. */
export type AlertReceiver =
  | { id: string; type: 'webhook'; webhook: AlertWebhookConfig }
  | { id: typeof TELEGRAM_RECEIVER; type: 'telegram'; telegram: AlertTelegramConfig };

export const TELEGRAM_RECEIVER = 'telegram';

/** `webhook-<name>` for a webhook of `alerts.webhooks`. */
export function webhookReceiverId(name: string): string {
  return `webhook-${name}`;
}

/** Every receiver `alerts` configures: each webhook, and Telegram when it has a chat. None: alerts are off. */
export function alertReceivers(config: AlertsConfig): AlertReceiver[] {
  const receivers: AlertReceiver[] = config.webhooks.map((webhook) => ({
    id: webhookReceiverId(webhook.name),
    type: 'webhook',
    webhook,
  }));
  if (config.telegram.chatId !== '')
    receivers.push({ id: TELEGRAM_RECEIVER, type: 'telegram', telegram: config.telegram });
  return receivers;
}

/**
 * The credentials of every receiver (header values, the bot token): what must never appear in
 * a log line, an error or anything stored. Longest first, so one inside another goes whole.
 */
export function receiverSecrets(config: AlertsConfig): string[] {
  const values = [...config.webhooks.flatMap((w) => Object.values(w.headers)), config.telegram.botToken].filter(
    (v) => v.length > 0,
  );
  return values.sort((a, b) => b.length - a.length);
}

/** `text` with every receiver credential replaced by `***`. */
export function withoutReceiverSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const value of secrets) out = out.split(value).join('***');
  return out;
}
