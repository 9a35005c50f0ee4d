import type { Queue } from 'bullmq';

/** How long a close waits for queues still setting up their connection. */
const READY_WAIT_MS = 2_000;

/**
 * Closes `queues`, each once ready. A queue closed while it still sets up its connection fails
 * those commands with nobody to hear them (an unhandled "Connection is closed", or an error
 * event after close removed its listeners: a crash). The wait is bounded (wall time), because
 * Redis may be gone.
 */
export async function closeQueues(queues: readonly Queue[], readyWaitMs = READY_WAIT_MS): Promise<void> {
  await Promise.race([
    Promise.allSettled(queues.map((queue) => queue.waitUntilReady())),
    new Promise((resolve) => setTimeout(resolve, readyWaitMs).unref()),
  ]);
  await Promise.all(queues.map((queue) => queue.close()));
}
