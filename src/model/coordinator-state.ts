import { z } from 'zod';

/**
 * The cluster's trading state. RUNNING: everything runs. PAUSED: no new entries anywhere (the
 * agent queues are paused); exits and protective orders go on. HALTED (the kill switch):
 * nothing that can lead to an order runs, and no order is submitted; only `reset` leaves it.
 */
export const CoordinatorState = z.enum(['RUNNING', 'PAUSED', 'HALTED']);
export type CoordinatorState = z.infer<typeof CoordinatorState>;
