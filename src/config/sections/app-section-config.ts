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
    /**
     * After `shutdownDeadlineMs`, how long (wall time) the stop may take to release what it
     * holds (BullMQ's close, the bus, the pools) before the process gives up on a clean stop and
     * exits with code 1: what waits on a Redis or PostgreSQL that is gone would wait for ever.
     * The jobs it held return to their queues when their locks expire.
     */
    shutdownGraceMs: z.number().int().min(100).max(120_000).default(10_000),
    /**
     * How long (wall time) opening the runtime waits for Redis, and for each new PostgreSQL
     * connection, to answer before it gives up with one line naming what it could not reach: a
     * CLI command never hangs on a dead server.
     */
    connectTimeoutMs: z.number().int().min(100).max(120_000).default(5_000),
    /** Minimum level of structured log lines. */
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  })
  .strict();
export type AppSectionConfig = z.infer<typeof AppSectionConfig>;
