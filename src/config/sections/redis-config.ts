import { z } from 'zod';

/** The `redis` section: the Redis that carries queues, the bus and shared state. */
export const RedisConfig = z
  .object({
    /**
     * `redis://` or `rediss://` URL. Empty means automatic: the local default
     * (`redis://127.0.0.1:6379`) when something listens there, else an embedded server.
     */
    url: z
      .string()
      .regex(/^(rediss?:\/\/.+)?$/, 'expected empty or a redis:// or rediss:// URL')
      .default(''),
    /** Prefix of every key; a Redis Cluster deployment uses a hash tag such as `{tg}`. */
    keyPrefix: z
      .string()
      .regex(/^[A-Za-z0-9_{}:.-]+$/, 'expected letters, digits and _ { } : . - only')
      .max(64)
      .default('tg'),
    embedded: z
      .object({
        /** Start a private `redis-server` from the PATH when no URL is set and none is listening. */
        enabled: z.boolean().default(true),
        /** AOF fsync policy of the embedded server: durability against speed. */
        appendfsync: z.enum(['always', 'everysec', 'no']).default('everysec'),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type RedisConfig = z.infer<typeof RedisConfig>;
