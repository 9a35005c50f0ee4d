import { z } from 'zod';
import type { SchedulesConfig } from '../config/sections/schedules-config.ts';

/** One BullMQ queue per task, and `alerts` (deliveries to the operator's receivers, `src/alerts`). ARCHITECTURE §3. */
export const QueueName = z.enum([
  'market-data',
  'ta',
  'regime',
  'sentiment',
  'decision',
  'portfolio',
  'risk',
  'execution',
  'positions',
  'reconcile',
  'alerts',
]);
export type QueueName = z.infer<typeof QueueName>;
export const queueNames: readonly QueueName[] = QueueName.options;

/** A task that runs on a timetable: its key in `schedules` config (every key but `leaseTtlMs`). */
export type ScheduledTask = Exclude<keyof SchedulesConfig, 'leaseTtlMs'>;

/** The queue each scheduled task's ticks and runs go to. */
export const scheduledTaskQueues: Record<ScheduledTask, QueueName> = {
  marketData: 'market-data',
  ta: 'ta',
  regime: 'regime',
  sentiment: 'sentiment',
  decision: 'decision',
  portfolio: 'portfolio',
};
export const scheduledTasks = Object.keys(scheduledTaskQueues) as ScheduledTask[];
