/**
 * The one timing setting of the test suite. Every timeout and wait in the tests derives from
 * `TEST_TIME_SCALE` (a positive number, default 1): vitest's test and hook timeouts, the
 * default patience of `waitFor`, and the quiet windows that claim "nothing happens".
 *
 * Waits for an event end as soon as the event happens, so their limits are generous: a loaded
 * machine makes a test slower, never red. Raise the scale on a slow machine (`TEST_TIME_SCALE=3`);
 * a quiet window grows with it too, so the claim it makes stays as strong.
 */
function readScale(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 1;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`TEST_TIME_SCALE must be a positive number, got ${raw}`);
  return scale;
}

export const testTimeScale = readScale(process.env.TEST_TIME_SCALE);

/** `ms` scaled by `TEST_TIME_SCALE`, whole milliseconds. */
export const scaled = (ms: number): number => Math.ceil(ms * testTimeScale);

/** vitest's limit for one test and for one hook or fixture. */
export const testTimeoutMs = scaled(60_000);

/** The default patience of `waitFor`: long, because it returns the moment the event is seen. */
export const waitTimeoutMs = scaled(20_000);

/**
 * A window in which a test claims that something does NOT happen (no delivery, no second run,
 * no log line). Unlike a wait it always lasts its full length, so it is short: `ms` is what the
 * claim needs on an idle machine, scaled like every other timing.
 */
export const quietWindow = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, scaled(ms)));
