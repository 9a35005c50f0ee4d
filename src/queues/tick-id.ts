import type { Job } from 'bullmq';

/** BullMQ names a job scheduler's jobs `repeat:<scheduler id>:<due time ms>`. */
const SCHEDULED_JOB_ID = /^repeat:.+:(\d+)$/;

/**
 * The id of a scheduler tick: the time it was due, so that it names the slot of the timetable
 * whichever worker takes it and however late. A tick added by hand has no slot: its creation
 * time stands in.
 */
export function tickIdOf(job: Pick<Job, 'id' | 'timestamp'>): string {
  const due = SCHEDULED_JOB_ID.exec(job.id ?? '')?.[1];
  return due ?? String(job.timestamp);
}
