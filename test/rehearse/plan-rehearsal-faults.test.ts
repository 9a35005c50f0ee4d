import { describe, expect, it } from 'vitest';
import { rehearsalFaultKinds } from '../../src/rehearse/rehearsal-fault-kind.ts';
import { FAULT_METHODS, planRehearsalFaults } from '../../src/rehearse/plan-rehearsal-faults.ts';

const options = { seed: 7, count: 17, gapMs: [3_000, 8_000] as const, outageMs: [4_000, 9_000] as const };

describe('planRehearsalFaults', () => {
  it('gives the same schedule for the same seed, and another for another seed', () => {
    expect(planRehearsalFaults(options)).toEqual(planRehearsalFaults(options));
    expect(planRehearsalFaults({ ...options, seed: 8 })).not.toEqual(planRehearsalFaults(options));
  });

  it('meets every fault kind once in each round before any repeats', () => {
    const plan = planRehearsalFaults(options);
    expect(plan).toHaveLength(17);
    for (let start = 0; start + rehearsalFaultKinds.length <= plan.length; start += rehearsalFaultKinds.length) {
      expect(new Set(plan.slice(start, start + rehearsalFaultKinds.length).map((f) => f.kind))).toEqual(
        new Set(rehearsalFaultKinds),
      );
    }
  });

  it('keeps gaps and outages within their ranges, gives only outages a length, and every other fault a method of its kind', () => {
    for (const fault of planRehearsalFaults({ ...options, count: 200 })) {
      expect(fault.gapMs).toBeGreaterThanOrEqual(3_000);
      expect(fault.gapMs).toBeLessThanOrEqual(8_000);
      if (fault.kind === 'dead_man_switch_outage') {
        expect(fault.outageMs).toBeGreaterThanOrEqual(4_000);
        expect(fault.outageMs).toBeLessThanOrEqual(9_000);
        expect(fault.method).toBeNull();
      } else {
        expect(fault.outageMs).toBe(0);
        expect(FAULT_METHODS[fault.kind]).toContain(fault.method);
      }
    }
  });
});
