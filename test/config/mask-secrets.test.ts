import { describe, expect, it } from 'vitest';
import { MASK, maskSecrets } from '../../src/config/mask-secrets.ts';

describe('maskSecrets', () => {
  it('masks every value under a key named like a secret, at any depth', () => {
    const masked = maskSecrets({
      llm: { providers: { deepseek: { apiKey: 'sk-1', model: 'deepseek-chat' } } },
      execution: { kraken: { apiKey: 'k', apiSecret: 's' } },
      dashboard: { user: 'admin', password: 'pw' },
      control: { token: 't' },
      list: [{ secret: 'x' }],
    });
    expect(masked).toEqual({
      llm: { providers: { deepseek: { apiKey: MASK, model: 'deepseek-chat' } } },
      execution: { kraken: { apiKey: MASK, apiSecret: MASK } },
      dashboard: { user: 'admin', password: MASK },
      control: { token: MASK },
      list: [{ secret: MASK }],
    });
  });

  it("masks every value of a webhook's headers, whatever the header is called", () => {
    const masked = maskSecrets({
      alerts: {
        webhooks: [
          { name: 'ops', url: 'https://hooks.example.com/x', headers: { Authorization: 'Bearer abc', 'X-Empty': '' } },
        ],
      },
    });
    expect(masked).toEqual({
      alerts: {
        webhooks: [
          { name: 'ops', url: 'https://hooks.example.com/x', headers: { Authorization: MASK, 'X-Empty': '' } },
        ],
      },
    });
  });

  it('leaves an empty secret empty, so an unset secret stays visible as unset', () => {
    expect(maskSecrets({ control: { token: '' } })).toEqual({ control: { token: '' } });
  });

  it('removes the password from URLs', () => {
    expect(maskSecrets({ database: { url: 'postgres://app:s3cret@db:5432/tg' } })).toEqual({
      database: { url: 'postgres://app:***@db:5432/tg' },
    });
  });

  it('masks the query values of an http(s) URL, where webhooks carry their tokens', () => {
    expect(
      maskSecrets({
        alerts: { webhooks: [{ url: 'https://user:pw@hooks.example.com/hook?token=abc123&channel=ops#x' }] },
      }),
    ).toEqual({
      alerts: { webhooks: [{ url: 'https://user:***@hooks.example.com/hook?token=***&channel=***#x' }] },
    });
    expect(maskSecrets({ note: 'not a url ?token=abc' })).toEqual({ note: 'not a url ?token=abc' });
  });

  it('does not modify its input', () => {
    const input = { control: { token: 't' } };
    maskSecrets(input);
    expect(input.control.token).toBe('t');
  });
});
