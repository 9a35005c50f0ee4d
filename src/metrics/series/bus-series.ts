import type { Registry } from 'prom-client';
import type { GroupStats, TopicStats } from '../../bus/bus-stats.ts';
import type { MetricsScrape } from '../metrics-sources.ts';
import { counterOf, gaugeOf, type Sample } from './series-of.ts';

/** Counters of the bus per group, besides dead letters (a series of their own). */
const MESSAGE_OUTCOMES = ['delivered', 'handled', 'failed', 'expired', 'filtered'] as const;

type GroupLabels = 'topic' | 'group';

/** Samples of every group of every topic, labelled with both, from what `value` says of one group. */
function perGroup(value: (group: GroupStats) => Sample[]): (topics: TopicStats[]) => Sample[] {
  return (topics) =>
    topics.flatMap((t) =>
      t.groups.flatMap((g) => value(g).map(([labels, v]): Sample => [{ ...labels, topic: t.topic, group: g.name }, v])),
    );
}

/** Stream lengths, dead letters, and per consumer group the lag, pending entries and message counters. */
export function registerBusSeries(registry: Registry, scrape: MetricsScrape): void {
  const bus = () => scrape.get('bus');
  const labels: GroupLabels[] = ['topic', 'group'];
  gaugeOf(
    registry,
    { name: 'triplegain_bus_stream_length', help: 'Entries on a topic (both lanes).', labelNames: ['topic'] },
    bus,
    (topics) => topics.map((t): Sample => [{ topic: t.topic }, t.length]),
  );
  gaugeOf(
    registry,
    {
      name: 'triplegain_bus_dead_letters',
      help: "Entries in a topic's dead-letter stream now.",
      labelNames: ['topic'],
    },
    bus,
    (topics) => topics.map((t): Sample => [{ topic: t.topic }, t.deadLetters]),
  );
  gaugeOf(
    registry,
    {
      name: 'triplegain_bus_lag',
      help: 'Entries on the topic not yet delivered to the group (a lower bound past 1000 per lane).',
      labelNames: labels,
    },
    bus,
    perGroup((g) => [[{}, g.lag]]),
  );
  gaugeOf(
    registry,
    {
      name: 'triplegain_bus_pending',
      help: 'Entries delivered to the group and not acknowledged yet.',
      labelNames: labels,
    },
    bus,
    perGroup((g) => [[{}, g.pending]]),
  );
  gaugeOf(
    registry,
    { name: 'triplegain_bus_consumers', help: 'Consumers in the group.', labelNames: labels },
    bus,
    perGroup((g) => [[{}, g.consumers]]),
  );
  counterOf(
    registry,
    {
      name: 'triplegain_bus_dead_lettered_total',
      help: 'Messages the group moved to the dead-letter stream.',
      labelNames: labels,
    },
    bus,
    perGroup((g) => [[{}, g.deadLettered]]),
  );
  counterOf(
    registry,
    {
      name: 'triplegain_bus_messages_total',
      help: 'Messages of the group by outcome: delivered, handled, failed (one handler attempt), expired, filtered.',
      labelNames: [...labels, 'outcome'],
    },
    bus,
    perGroup((g) => MESSAGE_OUTCOMES.map((outcome): Sample => [{ outcome }, g[outcome]])),
  );
}
