import { z } from 'zod';
import { TriplegainError } from '../shared/triplegain-error.ts';

/**
 * A number as the command line gives it: only a plain decimal string (`2`, `0.5`, `-1`) is read
 * as one, so that `''`, `' '`, `0x10` or `1e3` are refused instead of taken for 0, 16 or 1000.
 * Numbers pass as they are.
 */
const decimal = (schema: z.ZodNumber) => z.preprocess((v) => (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v), schema);
const number = () => z.number({ error: (issue) => (issue.code === 'invalid_type' ? 'not a decimal number' : undefined) });

/** `triplegain chaos` options, as the command line gives them (strings) or a caller does. */
export const ChaosOptions = z
  .object({
    /** Wall minutes of the whole run, the fault-free baseline included. */
    minutes: decimal(number().min(0.5).max(120)).default(5),
    /** Worker processes (one scheduler and one dashboard besides). */
    workers: decimal(number().int().min(1).max(8)).default(3),
    /** Seed of the fault schedule; absent: a random one, printed so the run can be repeated. */
    seed: decimal(number().int().min(0).max(2 ** 31 - 1)).optional(),
    /** Replay speed: market seconds per wall second. */
    speed: decimal(number().int().min(60).max(36_000)).default(3_600),
    /** Share of the run kept free of faults, to measure the order rate without them. */
    baselineShare: decimal(number().min(0.1).max(0.9)).default(0.25),
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
  const parsed = ChaosOptions.safeParse(raw);
  if (parsed.success) return parsed.data;
  const flag = (key: PropertyKey | undefined) => `--${String(key ?? '?').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  throw new TriplegainError('CONFIG_INVALID', parsed.error.issues.map((i) => `${flag(i.path[0])} ${JSON.stringify(raw[String(i.path[0])])}: ${i.message}`).join('; '));
}
