import { krakenFailure } from './kraken-failure.ts';
import { fail, ok, type LiveCheckLine } from './live-check-line.ts';
import type { LiveOutcome } from './live-outcome.ts';

/** Kraken's `Time` and when its request left and its answer came back, by the local clock. */
export interface ServerTimeReading {
  /** Kraken's `unixtime` in ms: a whole second, cut down. */
  serverMs: number;
  sentAtMs: number;
  receivedAtMs: number;
}

/**
 * Largest difference between the local clock and Kraken's that passes. AddOrder's `deadline`
 * is an absolute time Kraken accepts only between its now + 2 s and now + 60 s
 * (https://docs.kraken.com/api-reference/trading/add-order), so a clock a few seconds off
 * makes deadlines land outside that window or expire early; the nonces are taken from a clock
 * too.
 */
export const MAX_CLOCK_SKEW_MS = 5_000;

/**
 * The local clock minus Kraken's, in ms (positive: ours is ahead): Kraken's second is taken
 * at its middle, ours at the middle of the round trip.
 */
export function clockSkewMs(reading: ServerTimeReading): number {
  const localMs = (reading.sentAtMs + reading.receivedAtMs) / 2;
  return Math.round(localMs - (reading.serverMs + 500));
}

/**
 * The local clock against Kraken's public `Time`. The skew is known to within half the round
 * trip plus half of Kraken's second; it fails only when it is off by more than
 * `MAX_CLOCK_SKEW_MS` beyond that, so a slow answer never fails a good clock.
 */
export function checkClockSkew(answer: LiveOutcome<ServerTimeReading>): LiveCheckLine {
  if (!answer.ok) {
    const failure = krakenFailure(answer.error);
    return fail('clock', `Time failed: ${failure.text}`, failure.fix);
  }
  const skewMs = clockSkewMs(answer.value);
  const uncertaintyMs = Math.ceil((answer.value.receivedAtMs - answer.value.sentAtMs) / 2) + 500;
  const text = `local clock ${skewMs >= 0 ? 'ahead of' : 'behind'} Kraken's by ${Math.abs(skewMs)} ms (± ${uncertaintyMs} ms)`;
  if (Math.abs(skewMs) - uncertaintyMs > MAX_CLOCK_SKEW_MS) {
    return fail(
      'clock',
      `${text}, more than ${MAX_CLOCK_SKEW_MS} ms: Kraken checks an order's deadline against its own clock (now + 2 s to now + 60 s), so orders would be refused or expire early`,
      'synchronise the clock with NTP (e.g. `timedatectl set-ntp true`, or chrony), then run the check again',
    );
  }
  return ok('clock', text);
}
