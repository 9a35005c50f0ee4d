import { TriplegainError } from '../shared/triplegain-error.ts';

/**
 * A whole-number CLI option as typed, checked against its range.
 *
 * @throws TriplegainError `INPUT_INVALID` naming the option for anything else ("2.5", "-1", "x").
 */
export function wholeNumberOption(flag: string, text: string, range: { min: number; max: number }): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= range.min && value <= range.max))
    throw new TriplegainError(
      'INPUT_INVALID',
      `${flag} ${JSON.stringify(text)}: expected a whole number from ${range.min} to ${range.max}`,
    );
  return value;
}
