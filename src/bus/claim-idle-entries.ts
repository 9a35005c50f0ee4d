import type { Redis } from 'ioredis';
import type { Delivery } from './delivery.ts';

type ClaimReply = [next: string, entries: ([id: string, fields: string[] | null] | null)[], deleted?: string[]];

/**
 * Takes over entries of `lane` that any consumer of `group` has held longer than `minIdleMs`
 * (XAUTOCLAIM, which counts a new delivery), with each entry's delivery count read back from
 * XPENDING. Entries deleted from the stream while pending are dropped by Redis and skipped.
 */
export async function claimIdleEntries(
  redis: Redis,
  args: { lane: string; group: string; consumer: string; minIdleMs: number; count: number },
): Promise<Delivery[]> {
  const { lane, group, consumer } = args;
  const reply = (await redis.xautoclaim(
    lane,
    group,
    consumer,
    args.minIdleMs,
    '0-0',
    'COUNT',
    args.count,
  )) as ClaimReply;
  const entries = reply[1].filter((e): e is [string, string[]] => e !== null && e[1] !== null);
  if (entries.length === 0) return [];
  const rows = (await redis.xpending(
    lane,
    group,
    entries[0]![0],
    entries[entries.length - 1]![0],
    entries.length,
    consumer,
  )) as [string, string, number, number][];
  const counts = new Map(rows.map(([id, , , deliveries]) => [id, Number(deliveries)]));
  return entries.map(([streamId, fields]) => ({ lane, streamId, fields, deliveryCount: counts.get(streamId) ?? 1 }));
}
