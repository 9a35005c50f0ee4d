import type { Redis } from 'ioredis';

/**
 * Creates `group` on each of `lanes` unless it exists (starting at `from`: `0` everything
 * retained, `$` new messages only; the stream is created if missing), and `consumer` in it.
 * Redis before 7.2 creates a consumer only when a read delivers something, so without the
 * explicit create a consumer of a quiet topic (`coordinator_commands`) would never be listed.
 */
export async function ensureConsumerGroups(
  redis: Redis,
  args: { lanes: readonly string[]; group: string; consumer: string; from: '0' | '$' },
): Promise<void> {
  for (const lane of args.lanes) {
    try {
      await redis.xgroup('CREATE', lane, args.group, args.from, 'MKSTREAM');
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith('BUSYGROUP'))) throw err;
    }
    await redis.xgroup('CREATECONSUMER', lane, args.group, args.consumer);
  }
}

/** The streams or groups were deleted (e.g. a Redis restarted without AOF): recreate them, no error to report. */
export function isNoGroup(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('NOGROUP');
}
