import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AlertsConfig } from '../config/sections/alerts-config.ts';
import type { Keys } from '../keys.ts';
import { OutageLogger } from '../redis/outage-logger.ts';
import { isRedisUnavailable } from '../redis/is-redis-unavailable.ts';
import type { Logger } from '../shared/logger.ts';
import { describeError } from '../shared/triplegain-error.ts';
import { AlertDelivery, alertWindowKey } from './alert-delivery.ts';
import { alertReceivers, receiverSecrets, withoutReceiverSecrets, type AlertReceiver } from './alert-receiver.ts';
import { alertWindowCountScript } from './alert-window-script.ts';
import { deliverAlert } from './deliver-alert.ts';

export interface AlertDeliveryDeps {
  /** A BullMQ connection (`maxRetriesPerRequest: null`). */
  connection: ConnectionOptions;
  /** Command connection (the windows' counts). */
  redis: Redis;
  keys: Keys;
  config: AlertsConfig;
  logger: Logger;
}

export interface AlertDeliveryWorker {
  readonly worker: Worker;
  close(): Promise<void>;
}

/**
 * The worker of the `alerts` queue: delivers each job's alert to its receiver, with the
 * receiver's URL, headers and token read from config now (never from the job). Each receiver
 * has its own jobs, so one that is down holds up no other. A receiver's outage is logged as
 * one line when it starts and one when it ends, not one per try; an alert whose tries ran out,
 * or that the receiver refused for good, stays failed in the queue (Bull Board) and is logged
 * once, as an error. No credential ever reaches a log line or a job's failure reason.
 */
export function startAlertDelivery(deps: AlertDeliveryDeps): AlertDeliveryWorker {
  const logger = deps.logger.child({ queue: 'alerts' });
  const receivers = new Map<string, AlertReceiver>(alertReceivers(deps.config).map((r) => [r.id, r]));
  const secrets = receiverSecrets(deps.config);
  const clean = (text: string) => withoutReceiverSecrets(text, secrets);
  const outages = new Map<string, OutageLogger>();
  const outageOf = (receiver: string) => {
    let outage = outages.get(receiver);
    if (!outage) {
      outage = new OutageLogger({
        logger,
        messages: { started: 'alert receiver failing', ended: 'alert receiver delivering again' },
        context: { receiver },
        describe: (err) => clean(describeError(err)),
      });
      outages.set(receiver, outage);
    }
    return outage;
  };

  const deliver = async (job: Job, _token?: string, signal?: AbortSignal): Promise<{ count: number }> => {
    const parsed = AlertDelivery.safeParse(job.data);
    if (!parsed.success)
      throw new UnrecoverableError(
        `invalid alert delivery: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    const delivery = parsed.data;
    const receiver = receivers.get(delivery.receiver);
    if (!receiver)
      throw new UnrecoverableError(
        `receiver ${delivery.receiver} is not configured (alerts.webhooks / alerts.telegram)`,
      );
    const count = Number(
      await alertWindowCountScript.run(
        deps.redis,
        [alertWindowKey(deps.keys, delivery.alert.kind, delivery.alert.subject)],
        [delivery.window.openedAtMs],
      ),
    );
    try {
      await deliverAlert(receiver, delivery, count, { timeoutMs: deps.config.delivery.timeoutMs, signal });
    } catch (err) {
      // What BullMQ stores as the failure reason: scrubbed of every credential first.
      const message = clean(err instanceof Error ? err.message : String(err));
      throw err instanceof UnrecoverableError ? new UnrecoverableError(message) : new Error(message);
    }
    outageOf(delivery.receiver).succeeded();
    return { count };
  };

  const worker = new Worker('alerts', deliver, {
    connection: deps.connection,
    prefix: deps.keys.queuePrefix,
    concurrency: 4,
    autorun: true,
  });
  worker.on('failed', (job, err) => {
    if (!job) return;
    const receiver = String((job.data as { receiver?: unknown }).receiver);
    const final =
      err instanceof UnrecoverableError ||
      err.name === 'UnrecoverableError' ||
      job.attemptsMade >= (job.opts.attempts ?? 1);
    if (final) {
      logger.error(
        { jobId: job.id, receiver, attemptsMade: job.attemptsMade, err: clean(err.message) },
        'alert not delivered: left failed in the alerts queue',
      );
    } else {
      outageOf(receiver).failed(err);
    }
  });
  const redisOutage = new OutageLogger({
    logger,
    messages: { started: 'alert delivery lost Redis', ended: 'alert delivery reaches Redis again' },
  });
  worker.on('error', (err) => {
    if (isRedisUnavailable(err)) redisOutage.failed(err);
    else logger.error({ err: clean(describeError(err)) }, 'alert worker error');
  });
  worker.on('completed', () => redisOutage.succeeded());

  return {
    worker,
    close: () => worker.close(),
  };
}
