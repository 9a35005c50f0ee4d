import { Option, type Command } from 'commander';
import { decodeFields, fieldsToRecord } from '../../bus/envelope.ts';
import { isMessageType, typesOfTopic, type MessageType } from '../../bus/message-catalog.ts';
import { Priority, Topic, topics } from '../../bus/topics.ts';
import { describeError, TriplegainError } from '../../shared/triplegain-error.ts';
import { formatTable } from '../format-table.ts';
import { withRuntime } from '../with-runtime.ts';

const topicArg = (value: string): Topic => {
  const parsed = Topic.safeParse(value);
  if (!parsed.success) throw new TriplegainError('MESSAGE_INVALID', `unknown topic "${value}"; topics: ${topics.join(', ')}`);
  return parsed.data;
};

function describeEntry(streamId: string, fields: string[]): string {
  try {
    const m = decodeFields(fields);
    const at = new Date(m.tsMs).toISOString();
    return `${streamId}  ${at}  ${m.priority.padEnd(6)}  ${m.type}  ${m.symbol || '-'}  ${m.source}  ${JSON.stringify(m.payload)}`;
  } catch (err) {
    return `${streamId}  (malformed: ${describeError(err)})  ${JSON.stringify(fieldsToRecord(fields))}`;
  }
}

export function registerBusCommands(program: Command): void {
  const bus = program.command('bus').description('inspect and operate the topic bus (Redis Streams)');

  bus
    .command('publish')
    .description('validate and publish one message')
    .argument('<topic>', `one of: ${topics.join(', ')}`, topicArg)
    .requiredOption('--json <payload>', 'the message payload as JSON')
    .option('--type <type>', 'message type (required when the topic carries several)')
    .option('--symbol <pair>', 'the pair the message is about, e.g. BTC/USD')
    .addOption(new Option('--priority <priority>', 'delivery priority').choices(Priority.options).default('normal'))
    .option('--source <service>', 'publishing service', 'cli')
    .action(async (topic: Topic, opts: { json: string; type?: string; symbol?: string; priority: Priority; source: string }) => {
      const allowed = typesOfTopic(topic);
      const type = opts.type ?? (allowed.length === 1 ? allowed[0] : undefined);
      if (!type || !isMessageType(type) || !allowed.includes(type as MessageType)) {
        throw new TriplegainError('MESSAGE_TYPE_UNKNOWN', `topic ${topic} carries: ${allowed.join(', ')}; pass --type`);
      }
      let payload: unknown;
      try {
        payload = JSON.parse(opts.json);
      } catch (err) {
        throw new TriplegainError('MESSAGE_INVALID', `--json is not valid JSON: ${describeError(err)}`, { field: 'payload' });
      }
      await withRuntime(program, async (rt) => {
        // The payload is validated by publish against the type's schema.
        const published = await rt.bus.publish(type as MessageType, payload as never, {
          symbol: opts.symbol,
          priority: opts.priority,
          source: opts.source,
        });
        console.log(`published ${published.type} ${published.id} as ${published.streamId} on ${topic}`);
      });
    });

  bus
    .command('tail')
    .description('print a topic\'s recent messages, then follow new ones (reads without a consumer group)')
    .argument('<topic>', 'topic', topicArg)
    .option('-n, --count <n>', 'recent messages to print first', (v) => Number.parseInt(v, 10), 10)
    .option('--no-follow', 'print the recent messages and exit')
    .action(async (topic: Topic, opts: { count: number; follow: boolean }) => {
      await withRuntime(program, async (rt) => {
        const lanes = [rt.keys.busUrgentStream(topic), rt.keys.busStream(topic)];
        const recent: [string, string[]][] = [];
        for (const lane of lanes) recent.push(...(await rt.redis.xrevrange(lane, '+', '-', 'COUNT', opts.count)));
        recent.sort(([a], [b]) => (a < b ? -1 : 1));
        for (const [id, fields] of recent.slice(-opts.count)) console.log(describeEntry(id, fields));
        if (!opts.follow) return;
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
          const reply = (await reader
            .xread('BLOCK', 1_000, 'STREAMS', ...lanes, ...cursors)
            .catch(() => null)) as [string, [string, string[]][]][] | null;
          for (const [lane, entries] of reply ?? []) {
            for (const [id, fields] of entries) {
              cursors[lanes.indexOf(lane)] = id;
              console.log(describeEntry(id, fields));
            }
          }
        }
      });
    });

  bus
    .command('stats')
    .description('per topic: length, groups, pending, lag, delivered, failed, dead-lettered')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withRuntime(program, async (rt) => {
        const stats = await rt.bus.allStats();
        if (opts.json) {
          console.log(JSON.stringify(stats, null, 2));
          return;
        }
        const rows = stats.flatMap((s) =>
          s.groups.length === 0
            ? [[s.topic, String(s.length), String(s.deadLetters), '-', '', '', '', '', '', '', '', '']]
            : s.groups.map((g) => [
                s.topic, String(s.length), String(s.deadLetters), g.name, String(g.consumers), String(g.pending), g.lagExact ? String(g.lag) : `>=${g.lag}`,
                String(g.delivered), String(g.handled), String(g.failed), String(g.deadLettered), String(g.expired),
              ]),
        );
        console.log(formatTable(['topic', 'length', 'dlq', 'group', 'consumers', 'pending', 'lag', 'delivered', 'handled', 'failed', 'dead', 'expired'], rows));
      });
    });

  const dlq = bus.command('dlq').description('dead-letter streams');
  dlq
    .command('list')
    .argument('<topic>', 'topic', topicArg)
    .option('-n, --count <n>', 'at most this many', (v) => Number.parseInt(v, 10), 100)
    .option('--json', 'print JSON')
    .action(async (topic: Topic, opts: { count: number; json?: boolean }) => {
      await withRuntime(program, async (rt) => {
        const dead = await rt.bus.deadLetters(topic, opts.count);
        if (opts.json) console.log(JSON.stringify(dead, null, 2));
        else if (dead.length === 0) console.log(`no dead letters on ${topic}`);
        else {
          console.log(
            formatTable(
              ['dlq id', 'original id', 'group', 'reason', 'deliveries', 'type', 'error'],
              dead.map((d) => [d.dlqId, d.originalStreamId, d.group, d.reason, String(d.deliveryCount), d.fields.type ?? '?', d.error]),
            ),
          );
        }
      });
    });
  dlq
    .command('replay')
    .description('put dead letters back on their topic (same message id, fresh TTL); all unless --id')
    .argument('<topic>', 'topic', topicArg)
    .option('--id <dlqId...>', 'only these dead-letter entries')
    .action(async (topic: Topic, opts: { id?: string[] }) => {
      await withRuntime(program, async (rt) => {
        const result = await rt.bus.replayDeadLetters(topic, { ids: opts.id });
        console.log(`replayed ${result.replayed.length} dead letter(s) onto ${topic}`);
        for (const s of result.skipped) console.log(`skipped ${s.dlqId}: ${s.reason}`);
        if (result.skipped.length > 0) process.exitCode = 1;
      });
    });
}
