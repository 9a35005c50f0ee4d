import { describe, expect } from 'vitest';
import { ManualClock } from '../../src/clock/clock.ts';
import { DegradationConfig } from '../../src/config/sections/degradation-config.ts';
import { DegradationMonitor } from '../../src/degradation/degradation-monitor.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { reportModelOutcomes } from '../../src/workers/handlers/report-model-outcomes.ts';
import { it } from '../support/fixtures.ts';

describe('reporting the panel members to the degradation level', () => {
  it('raises the level on a model failing three decisions running, never on a strategy file failing', async ({
    bus,
  }) => {
    const monitor = new DegradationMonitor({
      redis: bus.redis,
      keys: bus.keys,
      bus: bus.bus,
      config: DegradationConfig.parse({ failuresToRaise: 3 }),
      clock: new ManualClock(Date.UTC(2025, 2, 1, 12)),
      logger: silentLogger,
    });
    const strategyFails = {
      votes: [],
      abstentions: [{ model: 'strategy:buggy', reason: 'invalid: decide threw TypeError: x is undefined' }],
    };

    for (let i = 0; i < 5; i++) await reportModelOutcomes(monitor, strategyFails);
    expect(await monitor.level()).toBe('NORMAL');

    const modelFails = { votes: [], abstentions: [{ model: 'openai/gpt-4o-mini', reason: 'timeout' }] };
    for (let i = 0; i < 3; i++) await reportModelOutcomes(monitor, modelFails);
    expect(await monitor.level()).toBe('REDUCED');
  });
});
