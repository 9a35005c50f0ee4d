import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { effectiveSchedules, MIN_EVERY_MS, wallMsOf } from '../../src/queues/effective-schedules.ts';

const configWith = (env: Record<string, string>) => loadConfig({ env }).config;

describe('market time to wall time', () => {
  it('live, a span of market time is the same span of wall time', () => {
    const live = configWith({ TRIPLEGAIN__MARKET_DATA__SOURCE: 'live' });
    expect(wallMsOf(live, 3_600_000)).toBe(3_600_000);
    expect(effectiveSchedules(live)).toBe(live.schedules);
  });

  it('in replay, divides by the speed: an hour of market is a second at speed 3600', () => {
    const replay = configWith({
      TRIPLEGAIN__MARKET_DATA__SOURCE: 'replay',
      TRIPLEGAIN__MARKET_DATA__REPLAY__SPEED: '3600',
    });
    expect(wallMsOf(replay, 3_600_000)).toBe(1_000);
    expect(wallMsOf(replay, 1_000)).toBe(0);
    expect(effectiveSchedules(replay).decision.everyMs).toBe(1_000);
    // A job scheduler never runs more often than once a second.
    expect(effectiveSchedules(replay).ta.everyMs).toBe(MIN_EVERY_MS);
  });

  it('at speed 1 a replay keeps wall time (the demo steps its market clock itself)', () => {
    const demo = configWith({ TRIPLEGAIN__MARKET_DATA__SOURCE: 'replay', TRIPLEGAIN__MARKET_DATA__REPLAY__SPEED: '1' });
    expect(wallMsOf(demo, 3_600_000)).toBe(3_600_000);
  });
});
