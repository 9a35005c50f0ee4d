export interface VolumeTrend {
  /** recent / baseline; null when the baseline is zero. */
  ratio: number | null;
  trend: 'rising' | 'falling' | 'flat';
}

/** Ratio at or above which volume counts as rising, and at or below which as falling. */
export const VOLUME_RISING_RATIO = 1.25;
export const VOLUME_FALLING_RATIO = 0.8;

/**
 * Volume trend: the mean volume of the last 10 bars against the mean of the last 50. Rising
 * at ≥ 1.25 times the baseline, falling at ≤ 0.8 times, flat in between or when the baseline
 * is zero (a run of gap-filled bars).
 */
export function volumeTrend(recentAvg: number, baselineAvg: number): VolumeTrend {
  if (!(baselineAvg > 0)) return { ratio: null, trend: 'flat' };
  const ratio = recentAvg / baselineAvg;
  return { ratio, trend: ratio >= VOLUME_RISING_RATIO ? 'rising' : ratio <= VOLUME_FALLING_RATIO ? 'falling' : 'flat' };
}
