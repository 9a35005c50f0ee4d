import { z } from 'zod';

/** The `database` section: PostgreSQL, or embedded PGlite when no URL is set. */
export const DatabaseConfig = z
  .object({
    /** `postgres://` or `postgresql://` URL; empty means embedded PGlite in `pgliteDir`. */
    url: z
      .string()
      .regex(/^(postgres(ql)?:\/\/.+)?$/, 'expected empty or a postgres:// URL')
      .default(''),
    /** Directory of the embedded PGlite database, relative to the working directory. */
    pgliteDir: z.string().min(1).default('.data/pglite'),
  })
  .strict();
export type DatabaseConfig = z.infer<typeof DatabaseConfig>;
