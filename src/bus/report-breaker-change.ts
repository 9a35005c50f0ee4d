import { isRedisUnavailable } from '../redis/is-redis-unavailable.ts';
import { describeError } from '../shared/triplegain-error.ts';
import type { BreakerChange } from './circuit-breaker.ts';
import type { SubscriptionDeps } from './subscribe-options.ts';

export interface BreakerSubject {
  topic: string;
  group: string;
  consumer: string;
  cooldownMs: number;
}

/**
 * Logs a subscription's circuit change and raises it on `system_events`: opening as
 * `bus.subscription_tripped` (error), closing again as `bus.subscription_recovered` (info).
 * A failure to publish the alert is logged (once per outage when Redis is down), never thrown
 * into the consumer.
 */
export function reportBreakerChange(
  deps: Pick<SubscriptionDeps, 'logger' | 'outage' | 'publish'>,
  subject: BreakerSubject,
  change: BreakerChange,
  err: unknown,
): void {
  const { topic, group, consumer, cooldownMs } = subject;
  const details = { topic, group, consumer, consecutiveFailures: change.consecutiveFailures };
  const raise = (severity: 'info' | 'error', code: string, message: string, extra: Record<string, unknown>) =>
    deps
      .publish(
        'system.alert_raised',
        { severity, code, message, details: extra },
        { source: 'bus', priority: severity === 'error' ? 'high' : 'normal' },
      )
      .catch((publishErr: unknown) => {
        // Redis being down is the bus's outage, logged once; the alert is lost either way.
        if (isRedisUnavailable(publishErr)) deps.outage.failed(publishErr, { topic, group, during: 'alert', code });
        else deps.logger.error({ err: describeError(publishErr), code }, 'bus could not publish alert');
      });

  if (change.to === 'open' && change.from === 'closed') {
    deps.logger.error({ ...details, err: describeError(err) }, 'bus subscription circuit opened');
    void raise(
      'error',
      'bus.subscription_tripped',
      `subscription ${group} on ${topic} stopped after ${change.consecutiveFailures} consecutive failures`,
      {
        ...details,
        lastError: describeError(err),
        cooldownMs,
      },
    );
  } else if (change.to === 'closed') {
    deps.logger.info(details, 'bus subscription circuit closed');
    void raise('info', 'bus.subscription_recovered', `subscription ${group} on ${topic} recovered`, details);
  }
}
