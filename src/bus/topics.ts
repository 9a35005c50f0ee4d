import { z } from 'zod';
import { priorityNames } from './priority-names.ts';
import { topicNames } from './topic-names.ts';

/** A topic of the bus, one of `topicNames`. */
export const Topic = z.enum(topicNames);
export type Topic = z.infer<typeof Topic>;
export const topics: readonly Topic[] = Topic.options;

/** `urgent` travels on the topic's priority lane and is handled before any backlog. */
export const Priority = z.enum(priorityNames);
export type Priority = z.infer<typeof Priority>;

/** Lower ranks are handled first within one read. */
export const priorityRank: Record<Priority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };
