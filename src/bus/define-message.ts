import type { z } from 'zod';
import type { Topic } from './topics.ts';

/** A message type: its name (`<area>.<past_tense_event>` or `<area>.<command>`), topic and payload. */
export interface MessageDefinition<
  TType extends string = string,
  TTopic extends Topic = Topic,
  TPayload extends z.ZodType = z.ZodType,
> {
  readonly type: TType;
  readonly topic: TTopic;
  readonly payload: TPayload;
  readonly description: string;
}

export function defineMessage<TType extends string, TTopic extends Topic, TPayload extends z.ZodType>(
  definition: MessageDefinition<TType, TTopic, TPayload>,
): MessageDefinition<TType, TTopic, TPayload> {
  return definition;
}
