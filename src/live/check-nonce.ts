import { fail, ok, type LiveCheckLine } from './live-check-line.ts';
import { krakenErrorOf, type LiveOutcome } from './live-outcome.ts';

/**
 * Whether Kraken took the nonces of the check's private requests. Kraken refuses a nonce not
 * above the last one it accepted for the key (`EAPI:Invalid nonce`); this system's nonces
 * grow from a counter shared in Redis, so a refusal means something else signs with the key.
 */
export function checkNonce(privateAnswers: readonly LiveOutcome<unknown>[]): LiveCheckLine {
  const refused = privateAnswers.filter((answer) => krakenErrorOf(answer) === 'EAPI:Invalid nonce').length;
  if (refused > 0) {
    return fail(
      'nonce',
      `Kraken refused the nonce of ${refused} of ${privateAnswers.length} private requests (EAPI:Invalid nonce): another program (or triplegain with another redis.keyPrefix or Redis) has signed with this key using larger nonces`,
      'give triplegain an API key of its own, used by nothing else (Kraken keeps the largest nonce per key), with every replica on the same Redis and redis.keyPrefix',
    );
  }
  const answered = privateAnswers.filter((answer) => answer.ok).length;
  if (answered === 0) return fail('nonce', 'not checked: no private request was answered', 'see the lines above');
  return ok('nonce', `${answered} private requests accepted`);
}
