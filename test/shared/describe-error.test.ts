import { describe, expect, it } from 'vitest';
import { describeError, TriplegainError } from '../../src/shared/triplegain-error.ts';

describe('describeError', () => {
  it('names an Error by its name and message', () => {
    expect(describeError(new TypeError('bad'))).toBe('TypeError: bad');
    expect(describeError(new TriplegainError('CONFIG_INVALID', 'no pair'))).toBe('TriplegainError: no pair');
  });

  it('names a thrown object that is not an Error by what it carries, never as [object Object]', () => {
    // What PGlite's file system throws for a directory it cannot use.
    expect(describeError({ name: 'ErrnoError', errno: 44, stack: '<generic error, no stack>' })).toBe(
      'ErrnoError: errno 44',
    );
    expect(describeError({ message: 'lost', code: 'ECONNRESET' })).toBe('error: lost, code ECONNRESET');
    expect(describeError({ name: 'Odd' })).toBe('Odd: no message');
  });

  it('gives anything else as a string', () => {
    expect(describeError('plain')).toBe('plain');
    expect(describeError(42)).toBe('42');
    expect(describeError({ other: 1 })).toBe('[object Object]');
  });
});
