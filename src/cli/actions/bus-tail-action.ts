import { decodeFields, fieldsToRecord } from '../../bus/envelope.ts';
import type { Topic } from '../../bus/topics.ts';
import { describeError } from '../../shared/triplegain-error.ts';
import { withRuntime } from '../with-runtime.ts';

export interface BusTailActionOptions {
  /** The global `-c/--config` file; undefined for the default layers. */
  configFile: string | undefined;
  topic: Topic;
  /** Recent messages to print first. */
  count: number;
  /** Keep printing new messages until SIGINT or SIGTERM. */
  follow: boolean;
}

/**
 * The work of `triplegain bus tail`: prints the topic's `count` most recent messages (both
 * lanes, oldest first, one line each; a malformed entry is printed as such), then, with
 * `follow`, every new one until SIGINT or SIGTERM. Reads without a consumer group.
 */
export async function busTailAction(options: BusTailActionOptions): Promise<void> {
  await withRuntime(options.configFile, async (rt) => {
    const lanes = [rt.keys.busUrgentStream(options.topic), rt.keys.busStream(options.topic)];
    const recent: [string, string[]][] = [];
    for (const lane of lanes) recent.push(...(await rt.redis.xrevrange(lane, '+', '-', 'COUNT', options.count)));
    recent.sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [id, fields] of recent.slice(-options.count)) console.log(describeEntry(id, fields));
    if (!options.follow) return;
    const reader = rt.redis.duplicate({ maxRetriesPerRequest: null });
    const stop = new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    let stopped = false;
    void stop.then(() => {
      stopped = true;
      reader.disconnect();
    });
    const cursors = ['$', '$'];
    while (!stopped) {
      const reply = (await reader.xread('BLOCK', 1_000, 'STREAMS', ...lanes, ...cursors).catch(() => null)) as
        | [string, [string, string[]][]][]
        | null;
      for (const [lane, entries] of reply ?? []) {
        for (const [id, fields] of entries) {
          cursors[lanes.indexOf(lane)] = id;
          console.log(describeEntry(id, fields));
        }
      }
    }
  });
}

function describeEntry(streamId: string, fields: string[]): string {
  try {
    const m = decodeFields(fields);
    const at = new Date(m.tsMs).toISOString();
    return `${streamId}  ${at}  ${m.priority.padEnd(6)}  ${m.type}  ${m.symbol || '-'}  ${m.source}  ${JSON.stringify(m.payload)}`;
  } catch (err) {
    return `${streamId}  (malformed: ${describeError(err)})  ${JSON.stringify(fieldsToRecord(fields))}`;
  }
}
