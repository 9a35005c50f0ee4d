import { describe, expect, it } from 'vitest';
import { tickIdOf } from '../../src/queues/tick-id.ts';

describe('tickIdOf', () => {
  it("names a scheduler's job by the time its slot was due, not when it was created", () => {
    expect(tickIdOf({ id: 'repeat:ta:1700000001000', timestamp: 1_700_000_000_004 })).toBe('1700000001000');
  });

  it('falls back to the creation time for a tick added by hand', () => {
    expect(tickIdOf({ id: 'tick-abc', timestamp: 1_700_000_000_004 })).toBe('1700000000004');
    expect(tickIdOf({ id: undefined, timestamp: 5 })).toBe('5');
  });
});
