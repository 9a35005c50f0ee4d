import type { z } from 'zod';
import { messagesOf } from '../agents/contracts/agent-contract-parts.ts';
import { agentContracts } from '../agents/contracts/agent-contracts.ts';
import type { MessageDefinition } from './define-message.ts';
import { AlertRaised } from './messages/alert-raised.ts';
import { BreakerTripped } from './messages/breaker-tripped.ts';
import { CandleClosed } from './messages/candle-closed.ts';
import { CoordinatorCommand } from './messages/coordinator-command.ts';
import { CoordinatorStateChanged } from './messages/coordinator-state-changed.ts';
import { DegradationChanged } from './messages/degradation-changed.ts';
import { OrderApproved } from './messages/order-approved.ts';
import { OrderDenied } from './messages/order-denied.ts';
import { OrderUpdated } from './messages/order-updated.ts';
import { PortfolioValued } from './messages/portfolio-valued.ts';
import { TradingSignalEmitted } from './messages/trading-signal-emitted.ts';
import type { Topic } from './topics.ts';

/**
 * Every message type the bus carries: the system's, and those of every agent's contract
 * (`agentContracts`). A type not listed here cannot be published or consumed.
 */
export const messageCatalog = {
  [CandleClosed.type]: CandleClosed,
  ...messagesOf(agentContracts),
  [TradingSignalEmitted.type]: TradingSignalEmitted,
  [BreakerTripped.type]: BreakerTripped,
  [OrderApproved.type]: OrderApproved,
  [OrderDenied.type]: OrderDenied,
  [OrderUpdated.type]: OrderUpdated,
  [PortfolioValued.type]: PortfolioValued,
  [AlertRaised.type]: AlertRaised,
  [DegradationChanged.type]: DegradationChanged,
  [CoordinatorCommand.type]: CoordinatorCommand,
  [CoordinatorStateChanged.type]: CoordinatorStateChanged,
} as const satisfies Record<string, MessageDefinition>;

type Catalog = typeof messageCatalog;
export type MessageType = keyof Catalog;
export type TopicOf<T extends MessageType> = Catalog[T]['topic'];
/** The payload as handlers see it (after defaults). */
export type PayloadOf<T extends MessageType> = z.output<Catalog[T]['payload']>;
/** The payload as publishers may write it (before defaults). */
export type PayloadInput<T extends MessageType> = z.input<Catalog[T]['payload']>;
export type TypesOfTopic<P extends Topic> = { [T in MessageType]: TopicOf<T> extends P ? T : never }[MessageType];

export function isMessageType(type: string): type is MessageType {
  return Object.hasOwn(messageCatalog, type);
}

export function messageDefinition(type: MessageType): MessageDefinition {
  return messageCatalog[type];
}

export function typesOfTopic(topic: Topic): MessageType[] {
  return (Object.keys(messageCatalog) as MessageType[]).filter((t) => messageCatalog[t].topic === topic);
}
