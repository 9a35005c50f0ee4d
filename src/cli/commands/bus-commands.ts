import { Option, type Command } from 'commander';
import { priorityNames } from '../../bus/priority-names.ts';
import { topicNames } from '../../bus/topic-names.ts';
import type { Priority, Topic } from '../../bus/topics.ts';
import { TriplegainError } from '../../shared/triplegain-error.ts';

const topicArg = (value: string): Topic => {
  if (!(topicNames as readonly string[]).includes(value))
    throw new TriplegainError('MESSAGE_INVALID', `unknown topic "${value}"; topics: ${topicNames.join(', ')}`);
  return value as Topic;
};

/**
 * `triplegain bus publish|tail|stats|dlq list|dlq replay`: inspect and operate the topic bus
 * in Redis. A `<topic>` argument that is not a topic fails with `MESSAGE_INVALID` before
 * anything is opened.
 */
export function registerBusCommands(program: Command): void {
  const bus = program.command('bus').description('inspect and operate the topic bus (Redis Streams)');
  const configFile = () => program.opts<{ config?: string }>().config;

  bus
    .command('publish')
    .description('validate and publish one message')
    .argument('<topic>', `one of: ${topicNames.join(', ')}`, topicArg)
    .requiredOption('--json <payload>', 'the message payload as JSON')
    .option('--type <type>', 'message type (required when the topic carries several)')
    .option('--symbol <pair>', 'the pair the message is about, e.g. BTC/USD')
    .addOption(new Option('--priority <priority>', 'delivery priority').choices(priorityNames).default('normal'))
    .option('--source <service>', 'publishing service', 'cli')
    .action(
      async (
        topic: Topic,
        opts: { json: string; type?: string; symbol?: string; priority: Priority; source: string },
      ) => {
        const { busPublishAction } = await import('../actions/bus-publish-action.ts');
        await busPublishAction({ ...opts, topic, configFile: configFile() });
      },
    );

  bus
    .command('tail')
    .description("print a topic's recent messages, then follow new ones (reads without a consumer group)")
    .argument('<topic>', 'topic', topicArg)
    .option('-n, --count <n>', 'recent messages to print first', (v) => Number.parseInt(v, 10), 10)
    .option('--no-follow', 'print the recent messages and exit')
    .action(async (topic: Topic, opts: { count: number; follow: boolean }) => {
      const { busTailAction } = await import('../actions/bus-tail-action.ts');
      await busTailAction({ ...opts, topic, configFile: configFile() });
    });

  bus
    .command('stats')
    .description('per topic: length, groups, pending, lag, delivered, failed, dead-lettered')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { busStatsAction } = await import('../actions/bus-stats-action.ts');
      await busStatsAction({ ...opts, configFile: configFile() });
    });

  const dlq = bus.command('dlq').description('dead-letter streams');
  dlq
    .command('list')
    .argument('<topic>', 'topic', topicArg)
    .option('-n, --count <n>', 'at most this many', (v) => Number.parseInt(v, 10), 100)
    .option('--json', 'print JSON')
    .action(async (topic: Topic, opts: { count: number; json?: boolean }) => {
      const { dlqListAction } = await import('../actions/dlq-list-action.ts');
      await dlqListAction({ ...opts, topic, configFile: configFile() });
    });
  dlq
    .command('replay')
    .description('put dead letters back on their topic (same message id, fresh TTL); all unless --id')
    .argument('<topic>', 'topic', topicArg)
    .option('--id <dlqId...>', 'only these dead-letter entries')
    .action(async (topic: Topic, opts: { id?: string[] }) => {
      const { dlqReplayAction } = await import('../actions/dlq-replay-action.ts');
      await dlqReplayAction({ ids: opts.id, topic, configFile: configFile() });
    });
}
