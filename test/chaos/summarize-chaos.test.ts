import { describe, expect, it } from 'vitest';
import { faultOutcome } from '../../src/chaos/fault-outcome.ts';
import { summarizeChaos, type ChaosResult } from '../../src/chaos/chaos-summary.ts';

const clean: ChaosResult = {
  seed: 1,
  workers: 3,
  baseline: { orders: 6, wallMs: 30_000 },
  faulted: { orders: 9, wallMs: 90_000 },
  faults: [
    faultOutcome('worker_kill', 0, { kills: 1, recoveryMs: 1_200 }),
    faultOutcome('worker_kill', 0, { kills: 1, recoveryMs: 3_400 }),
    faultOutcome('redis_kill', 0, { kills: 1, recoveryMs: 2_000 }),
    faultOutcome('halt_resume', 0, { recoveryMs: 900, boardResumes: { tried: 2, accepted: 0, unexpected: [] } }),
    faultOutcome('flush_while_halted', 0, {
      kills: 1,
      recoveryMs: 5_000,
      boardResumes: { tried: 2, accepted: 0, unexpected: [] },
      haltRestoredMs: 350,
    }),
    faultOutcome('backend_terminate', 0, { recoveryMs: 600, terminatedBackends: 4 }),
    faultOutcome('backend_terminate', 0, { recoveryMs: 800, terminatedBackends: 3 }),
  ],
  unplannedExits: [],
  logs: { processes: 6, errorLines: 2, refusedLines: 5 },
  audit: { violations: 0, invariantsChecked: 10 },
};

describe('summarizeChaos', () => {
  it('prints a line per fault kind, the order rates and the chaos line, and passes a clean run', () => {
    const { lines, failures } = summarizeChaos(clean);
    expect(failures).toEqual([]);
    expect(lines).toContain('worker_kill: 2× · recovery p50 1.2 s, max 3.4 s · 2 kills');
    expect(lines).toContain('backend_terminate: 2× · recovery p50 0.6 s, max 0.8 s · 7 backends terminated');
    expect(lines).toContain(
      'flush_while_halted: 1× · recovery p50 5.0 s, max 5.0 s · 1 kills · 0 submissions after halt · board resumes refused 2/2 · halt held 1/1 · restored within 350 ms',
    );
    expect(lines).toContain(
      'halt_resume: 1× · recovery p50 0.9 s, max 0.9 s · 0 submissions after halt · board resumes refused 2/2 · halt held 1/1',
    );
    expect(lines).toContain('orders per minute: 12.0 without faults (6 in 30.0 s), 6.0 with faults (9 in 90.0 s)');
    expect(lines).toContain('logs: 2 error lines, 5 naming ECONNREFUSED, from 6 processes');
    expect(lines.at(-1)).toBe(
      'chaos: 4 kills, 15 orders, 0 submissions after halt returned, 0 unplanned exits, audit 0 violations',
    );
  });

  it('says which fault kinds did not run, and gives a reference run without faults its one rate', () => {
    const summary = summarizeChaos({ ...clean, faults: [], faulted: { orders: 0, wallMs: 0 } });
    expect(summary.lines).toContain('backend_terminate: not run');
    expect(summary.lines).toContain('orders per minute: 12.0 without faults (6 in 30.0 s)');
    expect(summary.totals).toEqual({ orders: 6, wallMs: 30_000 });
  });

  it.each([
    [
      'a submission after a halt returned',
      { faults: [faultOutcome('halt_resume', 0, { recoveryMs: 1, submissionsAfterHalt: 2 })] },
      '2 submissions after a halt returned',
    ],
    ['an unplanned exit', { unplannedExits: ['worker-2 exited with code 1'] }, '1 unplanned exits'],
    ['an audit violation', { audit: { violations: 3, invariantsChecked: 10 } }, '3 audit violations'],
    [
      'a board resume accepted',
      {
        faults: [
          faultOutcome('halt_resume', 0, { recoveryMs: 1, boardResumes: { tried: 2, accepted: 1, unexpected: [] } }),
        ],
      },
      '1 Bull Board resumes accepted while HALTED',
    ],
    [
      'a halt lost in a flush',
      { faults: [faultOutcome('flush_while_halted', 0, { recoveryMs: 1, haltLost: true })] },
      '1 halts lost (not HALTED with its queues paused at the end of the hold, or not back in time after a flush)',
    ],
    [
      'a halt not whole at the end of its hold',
      { faults: [faultOutcome('halt_resume', 0, { recoveryMs: 1, haltLost: true })] },
      '1 halts lost (not HALTED with its queues paused at the end of the hold, or not back in time after a flush)',
    ],
    [
      'a board answer that is not the kill switch refusal (a 401, a 404: nothing was checked)',
      {
        faults: [
          faultOutcome('halt_resume', 0, {
            recoveryMs: 1,
            boardResumes: { tried: 2, accepted: 0, unexpected: ['PUT /ui/api/queues/resume: 404 Not Found'] },
          }),
        ],
      },
      "1 Bull Board answers other than the kill switch's refusal (resume not checked)",
    ],
    [
      'a fault never recovered from',
      { faults: [faultOutcome('redis_kill', 0, { kills: 1 })] },
      '1 faults after which the pipeline never flowed again',
    ],
  ] as const)('fails a run with %s', (_, change, failure) => {
    expect(summarizeChaos({ ...clean, ...change }).failures).toEqual([failure]);
  });
});
