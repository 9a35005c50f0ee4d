import type { Topic } from '../../bus/topics.ts';
import { formatTable } from '../../shared/format-table.ts';
import { withRuntime } from '../with-runtime.ts';

export interface DlqListActionOptions {
  /** The global `-c/--config` file; undefined for the default layers. */
  configFile: string | undefined;
  topic: Topic;
  /** At most this many dead letters. */
  count: number;
  /** Print JSON instead of a table. */
  json?: boolean;
}

/** The work of `triplegain bus dlq list`: prints the topic's dead letters as a table or JSON. */
export async function dlqListAction(options: DlqListActionOptions): Promise<void> {
  await withRuntime(options.configFile, async (rt) => {
    const dead = await rt.bus.deadLetters(options.topic, options.count);
    if (options.json) console.log(JSON.stringify(dead, null, 2));
    else if (dead.length === 0) console.log(`no dead letters on ${options.topic}`);
    else {
      console.log(
        formatTable(
          ['dlq id', 'original id', 'group', 'reason', 'deliveries', 'type', 'error'],
          dead.map((d) => [
            d.dlqId,
            d.originalStreamId,
            d.group,
            d.reason,
            String(d.deliveryCount),
            d.fields.type ?? '?',
            d.error,
          ]),
        ),
      );
    }
  });
}
