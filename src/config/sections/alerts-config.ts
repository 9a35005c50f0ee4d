import { z } from 'zod';
import { durationMs, httpUrl, secret } from '../config-fields.ts';

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** One webhook: a URL that receives every alert as a JSON POST. */
export const AlertWebhookConfig = z
  .object({
    /** Names the receiver in logs, job ids and Bull Board: letters, digits, `-` and `_`. */
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'expected a name of letters, digits, - and _ (at most 40)'),
    /** Where the JSON is POSTed. Never logged nor stored with an alert (it may carry a token of its own). */
    url: httpUrl(),
    /**
     * Extra request headers, e.g. `Authorization: ${ALERTS_WEBHOOK_AUTH}`. Every value is a
     * secret: write a `${VAR}` reference; it is read at delivery, masked by `config show`, and
     * never logged nor stored with an alert.
     */
    headers: z.record(z.string().regex(HEADER_NAME, 'expected an HTTP header name'), secret()).default({}),
  })
  .strict();
export type AlertWebhookConfig = z.infer<typeof AlertWebhookConfig>;

/** Telegram through the Bot API's `sendMessage`. */
export const AlertTelegramConfig = z
  .object({
    /** The chat the bot writes to: its numeric id or `@channelusername`. Empty: Telegram is off. */
    chatId: z.union([z.string(), z.number().int()]).transform(String).default(''),
    /** The bot's token, from `TELEGRAM_BOT_TOKEN` only. */
    botToken: secret(),
    /** Base URL of the Bot API (a local stand-in in tests); requests go to `<apiBaseUrl>/bot<token>/sendMessage`. */
    apiBaseUrl: httpUrl().default('https://api.telegram.org'),
  })
  .strict();
export type AlertTelegramConfig = z.infer<typeof AlertTelegramConfig>;

/**
 * The `alerts` section: where operational alerts go (breaker trips, halts, unprotected
 * positions, dead letters, order rejections, orphaned approvals, degradation changes, a spent
 * model budget). Off while no receiver is configured.
 */
export const AlertsConfig = z
  .object({
    webhooks: z
      .array(AlertWebhookConfig)
      .max(20)
      .default([])
      .superRefine((hooks, ctx) => {
        const seen = new Set<string>();
        hooks.forEach((hook, i) => {
          if (seen.has(hook.name))
            ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `webhook name "${hook.name}" is used twice` });
          seen.add(hook.name);
        });
      }),
    telegram: AlertTelegramConfig.prefault({}),
    /** The same alert (kind and subject) is sent at most once per window (wall time); later ones in it are counted. */
    windowMs: durationMs(1_000, 86_400_000).default(300_000),
    /** How long the first alert of a window waits before it is sent, so that a burst goes out as one message with a count. */
    collapseMs: durationMs(0, 60_000).default(2_000),
    delivery: z
      .object({
        /** Tries per receiver, the first included; a receiver still failing after them leaves the alert failed in the `alerts` queue. */
        attempts: z.number().int().min(1).max(50).default(12),
        /** First retry delay; doubles with each further retry (12 tries span about 2.3 hours). */
        backoffMs: durationMs(100, 600_000).default(2_000),
        /** One delivery attempt, connection to answer, wall time. */
        timeoutMs: durationMs(100, 120_000).default(10_000),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((alerts, ctx) => {
    if (alerts.telegram.chatId !== '' && alerts.telegram.botToken === '') {
      ctx.addIssue({
        code: 'custom',
        path: ['telegram', 'botToken'],
        message: 'telegram.chatId is set but TELEGRAM_BOT_TOKEN is not: set it in the environment, or clear chatId',
      });
    }
  });
export type AlertsConfig = z.infer<typeof AlertsConfig>;
