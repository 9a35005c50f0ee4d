import type { Redis } from 'ioredis';
import type { Delivery } from './delivery.ts';

type XReadReply = [stream: string, entries: [id: string, fields: string[]][]][] | null;

/**
 * Reads entries of `lanes` never delivered to `group` (XREADGROUP `>`), the first lane before
 * the next, up to `count`, blocking up to `blockMs`: each a first delivery to `consumer`. Empty
 * when nothing arrived in time.
 */
export async function readNewEntries(
  blocking: Redis,
  args: { lanes: readonly string[]; group: string; consumer: string; count: number; blockMs: number },
): Promise<Delivery[]> {
  const reply = (await blocking.xreadgroup(
    'GROUP',
    args.group,
    args.consumer,
    'COUNT',
    args.count,
    'BLOCK',
    args.blockMs,
    'STREAMS',
    ...args.lanes,
    ...args.lanes.map(() => '>'),
  )) as XReadReply;
  const deliveries: Delivery[] = [];
  for (const [lane, entries] of reply ?? []) {
    for (const [streamId, fields] of entries) deliveries.push({ lane, streamId, fields, deliveryCount: 1 });
  }
  return deliveries;
}
