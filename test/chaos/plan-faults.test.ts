import { describe, expect, it } from 'vitest';
import { faultKinds } from '../../src/chaos/fault-kind.ts';
import { planFaults } from '../../src/chaos/plan-faults.ts';

const options = { seed: 7, count: 23, workers: 3, gapMs: [2_000, 6_000] as const };

describe('planFaults', () => {
  it('gives the same schedule for the same seed, and another for another seed', () => {
    expect(planFaults(options)).toEqual(planFaults(options));
    expect(planFaults({ ...options, seed: 8 })).not.toEqual(planFaults(options));
  });

  it('meets every fault kind once in each round before any repeats', () => {
    const plan = planFaults(options);
    expect(plan).toHaveLength(23);
    for (let start = 0; start + faultKinds.length <= plan.length; start += faultKinds.length) {
      expect(new Set(plan.slice(start, start + faultKinds.length).map((f) => f.kind))).toEqual(new Set(faultKinds));
    }
  });

  it('keeps gaps, targets and Redis down times within their ranges', () => {
    for (const fault of planFaults({ ...options, count: 200 })) {
      expect(fault.gapMs).toBeGreaterThanOrEqual(2_000);
      expect(fault.gapMs).toBeLessThanOrEqual(6_000);
      expect(fault.target).toBeLessThan(fault.kind === 'worker_kill' ? 3 : 1);
      if (fault.kind === 'redis_kill') expect(fault.downMs).toBeGreaterThanOrEqual(200);
      else expect(fault.downMs).toBe(0);
    }
  });
});
