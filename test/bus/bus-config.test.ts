import { describe, expect, it } from 'vitest';
import { BusConfig } from '../../src/config/sections/bus-config.ts';

describe('bus config', () => {
  it('defaults to removing consumers idle for 10 minutes and to messages of at most 64 KiB', () => {
    expect(BusConfig.parse({})).toMatchObject({ consumerIdleMs: 600_000, maxMessageBytes: 65_536 });
  });

  it('refuses a consumer idle time that live consumers, touching Redis once per claim pass, could reach', () => {
    const result = BusConfig.safeParse({ claimIntervalMs: 5_000, claimIdleMs: 1_000, consumerIdleMs: 10_000 });
    expect(result.success).toBe(false);
    expect(result.error!.issues).toMatchObject([
      { path: ['consumerIdleMs'], message: expect.stringContaining('at least 15000') },
    ]);
    expect(BusConfig.safeParse({ claimIntervalMs: 5_000, claimIdleMs: 1_000, consumerIdleMs: 15_000 }).success).toBe(
      true,
    );
  });

  it('refuses a consumer idle time shorter than the claim idle time', () => {
    const result = BusConfig.safeParse({ claimIntervalMs: 1_000, claimIdleMs: 60_000, consumerIdleMs: 30_000 });
    expect(result.error!.issues).toMatchObject([
      { path: ['consumerIdleMs'], message: expect.stringContaining('at least 60000') },
    ]);
  });
});
