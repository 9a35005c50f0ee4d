import type { KrakenExchange } from '../exchange/kraken/kraken-exchange.ts';
import type { Logger } from '../shared/logger.ts';
import { describeError } from '../shared/triplegain-error.ts';

/**
 * Keeps Kraken's dead man's switch (`CancelAllOrdersAfter`) armed while this worker runs:
 * re-armed every third of `timeoutSec`, so that if every worker dies, Kraken cancels the
 * account's open orders after at most `timeoutSec`. Every worker arms the same timer; one
 * alive is enough. It is not disarmed on a graceful stop: a cluster stopped for longer than
 * `timeoutSec` leaves no order resting (resting stop losses included; set
 * `execution.kraken.deadManSwitchSec: 0` to keep orders while the cluster is down).
 */
export function startDeadManSwitch(deps: { exchange: Pick<KrakenExchange, 'armDeadManSwitch'>; timeoutSec: number; logger: Logger }): { stop(): void; armed: Promise<void> } {
  const arm = async () => {
    try {
      const triggerTime = await deps.exchange.armDeadManSwitch(deps.timeoutSec);
      deps.logger.debug({ triggerTime }, 'dead man switch armed');
    } catch (err) {
      deps.logger.error({ err: describeError(err) }, 'dead man switch not armed: orders stay open if this cluster dies');
    }
  };
  const armed = arm();
  const timer = setInterval(() => void arm(), Math.max(1_000, (deps.timeoutSec * 1_000) / 3));
  timer.unref();
  return { stop: () => clearInterval(timer), armed };
}
