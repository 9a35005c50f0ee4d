import { z } from 'zod';
import { numberOption, parseCommandOptions } from '../shared/command-options.ts';

/** `triplegain chaos` options, as the command line gives them (strings) or a caller does. */
export const ChaosOptions = z
  .object({
    /** Wall minutes of the whole run, the fault-free baseline included. */
    minutes: numberOption((n) => n.min(0.5).max(120)).default(5),
    /** Worker processes (one scheduler and one dashboard besides). */
    workers: numberOption((n) => n.int().min(1).max(8)).default(3),
    /** Seed of the fault schedule; absent: a random one, printed so the run can be repeated. */
    seed: numberOption((n) =>
      n
        .int()
        .min(0)
        .max(2 ** 31 - 1),
    ).optional(),
    /** Replay speed: market seconds per wall second. */
    speed: numberOption((n) => n.int().min(60).max(36_000)).default(3_600),
    /** Share of the run kept free of faults, to measure the order rate without them. */
    baselineShare: numberOption((n) => n.min(0.1).max(0.9)).default(0.25),
    /** Run the fault schedule after the baseline; false: the whole run is the baseline (a reference run). */
    faults: z.boolean().default(true),
    /** Keep the database, Redis' files and the process logs even when the run passed. */
    keep: z.boolean().default(false),
    /** PostgreSQL server to create the run's database on (its path is ignored). */
    serverUrl: z.string().min(1).default('postgres://postgres@127.0.0.1:5432/postgres'),
    /** `redis-server` to run. */
    redisServer: z.string().min(1).default('redis-server'),
  })
  .strict();
export type ChaosOptions = z.infer<typeof ChaosOptions>;

/**
 * The options of a run, checked together.
 *
 * @throws TriplegainError `CONFIG_INVALID` naming every option that is out of range, as `--name`.
 */
export function parseChaosOptions(raw: Record<string, unknown>): ChaosOptions {
  return parseCommandOptions(ChaosOptions, raw);
}
