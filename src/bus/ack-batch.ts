import type { Redis } from 'ioredis';
import { ackScript } from './scripts/ack-script.ts';

/** What the bus counts per consumer group in its stats hash. */
export type AckCounter = 'handled' | 'expired' | 'filtered' | 'delivered' | 'failed';

/**
 * A subscription's acks and counters, gathered while a batch is handled and sent as one
 * command (`ackScript`: XACK on each lane plus the group's counters).
 */
export class AckBatch {
  private urgentAcks: string[] = [];
  private mainAcks: string[] = [];
  private counters: Partial<Record<AckCounter, number>> = {};
  private lastSent: Promise<void> = Promise.resolve();
  private readonly keys: readonly string[];

  /**
   * @param lanes the topic's streams: acks of `urgent` go to it, all others to `main`.
   * @param onSent called with the outcome of each flush: `undefined` once Redis has it, else the error.
   */
  constructor(
    private readonly redis: Redis,
    private readonly group: string,
    private readonly lanes: { urgent: string; main: string },
    statsKey: string,
    private readonly onSent: (err?: unknown) => void,
  ) {
    this.keys = [lanes.urgent, lanes.main, statsKey];
  }

  /** The entry `streamId` of `lane` is done with (`outcome` counted). */
  ack(lane: string, streamId: string, outcome: 'handled' | 'expired' | 'filtered'): void {
    (lane === this.lanes.urgent ? this.urgentAcks : this.mainAcks).push(streamId);
    this.count(outcome);
  }

  count(counter: AckCounter): void {
    this.counters[counter] = (this.counters[counter] ?? 0) + 1;
  }

  /** The flush sent last (already settled when nothing is in flight); never rejects. */
  get lastFlush(): Promise<void> {
    return this.lastSent;
  }

  /**
   * Sends what was gathered so far as one command. Resolves once Redis has it, and so have all
   * sent before (one connection answers in order); never rejects.
   */
  flush(): Promise<void> {
    const urgent = this.urgentAcks;
    const main = this.mainAcks;
    const counters = this.counters;
    this.urgentAcks = [];
    this.mainAcks = [];
    this.counters = {};
    const args: (string | number)[] = [this.group, urgent.length, main.length];
    for (const id of urgent) args.push(id);
    for (const id of main) args.push(id);
    for (const [name, value] of Object.entries(counters)) args.push(name, value);
    if (args.length === 3) return this.lastSent;
    this.lastSent = ackScript.run(this.redis, this.keys, args).then(
      () => this.onSent(),
      (err: unknown) => this.onSent(err),
    );
    return this.lastSent;
  }
}
