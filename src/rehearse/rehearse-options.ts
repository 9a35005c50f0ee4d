import { z } from 'zod';
import { numberOption, parseCommandOptions } from '../shared/command-options.ts';

/** `triplegain rehearse` options, as the command line gives them (strings) or a caller does. */
export const RehearseOptions = z
  .object({
    /** Wall minutes the cluster trades against the stand-in (faults included). */
    minutes: numberOption((n) => n.min(0.5).max(120)).default(5),
    /** Worker processes (one scheduler besides). */
    workers: numberOption((n) => n.int().min(1).max(8)).default(2),
    /** Seed of the fault schedule; absent: a random one, printed so the run can be repeated. */
    seed: numberOption((n) =>
      n
        .int()
        .min(0)
        .max(2 ** 31 - 1),
    ).optional(),
    /**
     * Replay speed: market seconds per wall second. Kraken's rate limits run in wall time, so a
     * replay trades far more often than the same bars would live: at 300 a 1 h bar closes every
     * 12 s per pair, the built-in panel adds to a position on most of them, and a run spends
     * 22–23 units a minute of a Starter API counter that regains 20 (so does 600: the cluster
     * holds new trades back while the counter is busy); 3600 left no room at all. At 300 a
     * fault's recovery is not squeezed between bars.
     */
    speed: numberOption((n) => n.int().min(60).max(36_000)).default(300),
    /** Run the fault schedule; false: a fault-free rehearsal. */
    faults: z.boolean().default(true),
    /** Keep the database, Redis' files and the process logs even when the run passed. */
    keep: z.boolean().default(false),
    /** PostgreSQL server to create the run's database on (its path is ignored). */
    serverUrl: z.string().min(1).default('postgres://postgres@127.0.0.1:5432/postgres'),
    /** `redis-server` to run. */
    redisServer: z.string().min(1).default('redis-server'),
  })
  .strict();
export type RehearseOptions = z.infer<typeof RehearseOptions>;

/**
 * The options of a rehearsal, checked together.
 *
 * @throws TriplegainError `CONFIG_INVALID` naming every option that is out of range, as `--name`.
 */
export function parseRehearseOptions(raw: Record<string, unknown>): RehearseOptions {
  return parseCommandOptions(RehearseOptions, raw);
}
