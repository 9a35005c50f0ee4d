import { UnrecoverableError } from 'bullmq';
import type { AlertTelegramConfig, AlertWebhookConfig } from '../config/sections/alerts-config.ts';
import type { AlertDelivery } from './alert-delivery.ts';
import type { AlertReceiver } from './alert-receiver.ts';
import { postJson } from './post-json.ts';
import { alertTelegramText, alertWebhookBody } from './render-alert.ts';

export interface DeliverOptions {
  /** One attempt, wall time. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Sends one alert to one receiver. A failure that a later try can cure (unreachable, timeout,
 * 408, 425, 429, 5xx) throws an Error; one that it cannot (any other 4xx: a wrong URL, chat or
 * token) throws `UnrecoverableError`, so the job fails at once and waits on Bull Board for an
 * operator. Error messages name the receiver by id, never by URL or credential.
 */
export function deliverAlert(
  receiver: AlertReceiver,
  delivery: AlertDelivery,
  count: number,
  options: DeliverOptions,
): Promise<void> {
  return receiver.type === 'webhook'
    ? deliverToWebhook(receiver.id, receiver.webhook, delivery, count, options)
    : deliverToTelegram(receiver.telegram, delivery, count, options);
}

async function deliverToWebhook(
  id: string,
  webhook: AlertWebhookConfig,
  delivery: AlertDelivery,
  count: number,
  options: DeliverOptions,
): Promise<void> {
  const answer = await postJson(webhook.url, alertWebhookBody(delivery, count), {
    headers: webhook.headers,
    ...options,
  });
  if (answer.status >= 200 && answer.status < 300) return;
  const message = `${id} answered HTTP ${answer.status}`;
  throw retryableStatus(answer.status) ? new Error(message) : new UnrecoverableError(`${message}: not retried`);
}

/**
 * The Bot API's `sendMessage`: POST `<apiBaseUrl>/bot<token>/sendMessage` with JSON
 * `{chat_id, text}`; the answer is `{ok: true, result: Message}` or `{ok: false, error_code,
 * description}` (https://core.telegram.org/bots/api#making-requests).
 */
async function deliverToTelegram(
  telegram: AlertTelegramConfig,
  delivery: AlertDelivery,
  count: number,
  options: DeliverOptions,
): Promise<void> {
  const url = `${telegram.apiBaseUrl.replace(/\/+$/, '')}/bot${telegram.botToken}/sendMessage`;
  // A numeric chat id goes as a number (at most 52 significant bits), a @channelusername as a string.
  const chatId = /^-?\d+$/.test(telegram.chatId) ? Number(telegram.chatId) : telegram.chatId;
  const answer = await postJson(url, { chat_id: chatId, text: alertTelegramText(delivery, count) }, options);
  const reply = parseTelegramAnswer(answer.body);
  if (reply?.ok === true && answer.status >= 200 && answer.status < 300) return;
  const code = typeof reply?.error_code === 'number' ? reply.error_code : answer.status;
  const description = typeof reply?.description === 'string' ? `: ${reply.description.slice(0, 300)}` : '';
  const message = `telegram answered ${code}${description}`;
  throw retryableStatus(code) ? new Error(message) : new UnrecoverableError(`${message}; not retried`);
}

function retryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

function parseTelegramAnswer(body: string): { ok?: unknown; error_code?: unknown; description?: unknown } | null {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
