import { describe, expect, it } from 'vitest';
import { parseChaosOptions } from '../../src/chaos/chaos-options.ts';

describe('parseChaosOptions', () => {
  it('reads the command line strings, with the defaults for what is not given', () => {
    expect(parseChaosOptions({ minutes: '2', workers: '3', seed: '7', speed: '3600', faults: true, keep: false })).toMatchObject({ minutes: 2, workers: 3, seed: 7, speed: 3600, faults: true, keep: false, baselineShare: 0.25 });
    expect(parseChaosOptions({}).seed).toBeUndefined();
  });

  it('names every option out of range at once, as its flag', () => {
    expect(() => parseChaosOptions({ minutes: '0', workers: '20', seed: '-1' })).toThrow(/--minutes "0": .*; --workers "20": .*; --seed "-1": /);
    expect(() => parseChaosOptions({ minutes: 'five' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('--minutes "five"') }));
  });
});
