import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

type Arg = string | number;
/** ioredis flattens array arguments one level, so keys and args go in without being copied. */
type ArrayCall = (command: string, ...args: (Arg | readonly Arg[])[]) => Promise<unknown>;

/** A Lua script run with EVALSHA, loaded with EVAL the first time a server lacks it. */
export class LuaScript {
  readonly sha: string;

  constructor(
    readonly name: string,
    readonly source: string,
  ) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  run(redis: Redis, keys: readonly string[], args: readonly Arg[]): Promise<unknown> {
    const call = redis.call as unknown as ArrayCall;
    return call.call(redis, 'evalsha', this.sha, keys.length, keys, args).catch((err: unknown) => {
      if (err instanceof Error && err.message.startsWith('NOSCRIPT')) {
        return call.call(redis, 'eval', this.source, keys.length, keys, args);
      }
      throw err;
    });
  }
}
