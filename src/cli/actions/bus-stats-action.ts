import { formatTable } from '../../shared/format-table.ts';
import { withRuntime } from '../with-runtime.ts';

export interface BusStatsActionOptions {
  /** The global `-c/--config` file; undefined for the default layers. */
  configFile: string | undefined;
  /** Print JSON instead of a table. */
  json?: boolean;
}

/**
 * The work of `triplegain bus stats`: prints, per topic and consumer group, the stream length,
 * dead letters, consumers, pending, lag (`>=n` when capped), delivered, handled, failed,
 * dead-lettered and expired counts, as a table or JSON.
 */
export async function busStatsAction(options: BusStatsActionOptions): Promise<void> {
  await withRuntime(options.configFile, async (rt) => {
    const stats = await rt.bus.allStats();
    if (options.json) {
      console.log(JSON.stringify(stats, null, 2));
      return;
    }
    const rows = stats.flatMap((s) =>
      s.groups.length === 0
        ? [[s.topic, String(s.length), String(s.deadLetters), '-', '', '', '', '', '', '', '', '']]
        : s.groups.map((g) => [
            s.topic,
            String(s.length),
            String(s.deadLetters),
            g.name,
            String(g.consumers),
            String(g.pending),
            g.lagExact ? String(g.lag) : `>=${g.lag}`,
            String(g.delivered),
            String(g.handled),
            String(g.failed),
            String(g.deadLettered),
            String(g.expired),
          ]),
    );
    console.log(
      formatTable(
        [
          'topic',
          'length',
          'dlq',
          'group',
          'consumers',
          'pending',
          'lag',
          'delivered',
          'handled',
          'failed',
          'dead',
          'expired',
        ],
        rows,
      ),
    );
  });
}
