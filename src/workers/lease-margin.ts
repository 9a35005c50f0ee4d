/**
 * Added to a run's timeout to get its lease TTL: the lease outlives the run it guards, and
 * still expires on its own when the worker holding it dies.
 */
export const LEASE_MARGIN_MS = 5_000;
