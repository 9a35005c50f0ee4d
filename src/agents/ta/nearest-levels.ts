/** How many support and how many resistance levels the analysis reports. */
export const LEVELS_PER_SIDE = 3;

export interface Levels {
  /** Below the close, nearest first. */
  support: number[];
  /** Above the close, nearest first. */
  resistance: number[];
}

/**
 * Support and resistance from swing points. Method: every swing high and swing low of the
 * recent window is a level (a pivot bar whose high, or low, is strictly beyond the
 * `swingLookback` bars on each side); a level below the close is support and one above is
 * resistance, whatever kind of swing made it (a broken support becomes resistance and the
 * other way round). The `LEVELS_PER_SIDE` nearest levels on each side are kept; a side may be
 * empty, e.g. at a new high of the window. A level equal to the close is on neither side.
 */
export function nearestLevels(close: number, swingHighs: readonly number[], swingLows: readonly number[]): Levels {
  const levels = [...new Set([...swingHighs, ...swingLows])];
  return {
    support: levels
      .filter((l) => l < close)
      .sort((a, b) => b - a)
      .slice(0, LEVELS_PER_SIDE),
    resistance: levels
      .filter((l) => l > close)
      .sort((a, b) => a - b)
      .slice(0, LEVELS_PER_SIDE),
  };
}
