import { describe, expect, it } from 'vitest';
import { alertReceivers } from '../../src/alerts/alert-receiver.ts';
import { AlertsConfig } from '../../src/config/sections/alerts-config.ts';

describe('the alerts config', () => {
  it('is off by default: no receiver', () => {
    expect(alertReceivers(AlertsConfig.parse({}))).toEqual([]);
  });

  it('refuses a Telegram chat without TELEGRAM_BOT_TOKEN, naming the key to set', () => {
    const parsed = AlertsConfig.safeParse({ telegram: { chatId: 42 } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues).toEqual([
      expect.objectContaining({
        path: ['telegram', 'botToken'],
        message: expect.stringContaining('TELEGRAM_BOT_TOKEN'),
      }),
    ]);
  });

  it('refuses two webhooks of one name, a header name that is no token, and an unknown key', () => {
    const parsed = AlertsConfig.safeParse({
      webhooks: [
        { name: 'ops', url: 'https://a.example.com' },
        { name: 'ops', url: 'https://b.example.com', headers: { 'Bad Header': 'x' } },
      ],
      windowsMs: 1,
    });
    expect(parsed.success).toBe(false);
    const paths = parsed.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['webhooks.1.headers.Bad Header', '']));
    const refined = AlertsConfig.safeParse({
      webhooks: [
        { name: 'ops', url: 'https://a.example.com' },
        { name: 'ops', url: 'https://b.example.com' },
      ],
    });
    expect(refined.error?.issues).toEqual([
      expect.objectContaining({ path: ['webhooks', 1, 'name'], message: 'webhook name "ops" is used twice' }),
    ]);
  });

  it('names each receiver by id, never by URL: webhook-<name> and telegram', () => {
    const config = AlertsConfig.parse({
      webhooks: [{ name: 'ops', url: 'https://a.example.com/secret-path' }],
      telegram: { chatId: '@ops', botToken: 't:1' },
    });
    expect(alertReceivers(config).map((r) => r.id)).toEqual(['webhook-ops', 'telegram']);
  });
});
