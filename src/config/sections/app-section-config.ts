import { z } from 'zod';

/** The `app` section: how this installation runs as a whole. */
export const AppSectionConfig = z
  .object({
    /**
     * `paper` trades on the built-in paper exchange; `live` trades real money on Kraken and
     * requires `execution.exchange: kraken` with API credentials.
     */
    mode: z.enum(['paper', 'live']).default('paper'),
    /** Directory for local state (embedded Redis and PGlite files), relative to the working directory. */
    dataDir: z.string().min(1).default('.data'),
    /**
     * On SIGTERM, how long a worker's active jobs may run on; those still running are then put
     * back in their queues for another worker (not failed, not lost). Keep it below the
     * orchestrator's kill timeout (compose `stop_grace_period`).
     */
    shutdownDeadlineMs: z.number().int().min(0).max(600_000).default(20_000),
    /** Minimum level of structured log lines. */
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  })
  .strict();
export type AppSectionConfig = z.infer<typeof AppSectionConfig>;
