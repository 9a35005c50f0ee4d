import { describe, expect, it } from 'vitest';
import { parseChaosOptions } from '../../src/chaos/chaos-options.ts';

describe('parseChaosOptions', () => {
  it('reads the command line strings, with the defaults for what is not given', () => {
    expect(
      parseChaosOptions({ minutes: '2', workers: '3', seed: '7', speed: '3600', faults: true, keep: false }),
    ).toMatchObject({ minutes: 2, workers: 3, seed: 7, speed: 3600, faults: true, keep: false, baselineShare: 0.25 });
    expect(parseChaosOptions({}).seed).toBeUndefined();
  });

  it('names every option out of range at once, as its flag', () => {
    expect(() => parseChaosOptions({ minutes: '0', workers: '20', seed: '-1' })).toThrow(
      /--minutes "0": .*; --workers "20": .*; --seed "-1": /,
    );
    expect(() => parseChaosOptions({ minutes: 'five' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('--minutes "five"') }),
    );
  });

  it.each([
    ['an empty seed, which Number() reads as 0', { seed: '' }, '--seed "": not a decimal number'],
    ['a blank', { workers: ' ' }, '--workers " ": not a decimal number'],
    ['hexadecimal', { minutes: '0x10' }, '--minutes "0x10": not a decimal number'],
    ['an exponent', { seed: '1e3' }, '--seed "1e3": not a decimal number'],
    ['a word', { workers: 'x' }, '--workers "x": not a decimal number'],
  ])('refuses %s', (_, raw, message) => {
    expect(() => parseChaosOptions(raw)).toThrow(message);
  });

  it('takes numbers from a caller as they are', () => {
    expect(parseChaosOptions({ minutes: 0.5, seed: 1, workers: 2 })).toMatchObject({
      minutes: 0.5,
      seed: 1,
      workers: 2,
    });
    expect(() => parseChaosOptions({ minutes: Number.NaN })).toThrow('--minutes null: not a decimal number');
  });
});
