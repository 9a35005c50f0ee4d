import type { Redis } from 'ioredis';
import { publishScript } from './scripts/publish-script.ts';

/** Where an append ended up: the entry id is `String(ids[index])` once `ids` resolves. */
export interface AppendTicket {
  ids: Promise<unknown>;
  index: number;
}

/**
 * Coalesces the appends issued in one tick into a single script call: one round trip and one
 * script run for many messages instead of one each. Each caller still learns its entry id
 * only once Redis holds the entry; a failed call rejects every append in it.
 *
 * The script arguments are built as the appends come in, so a batch costs one argument array
 * and one promise however many messages it carries.
 */
export class PublishBatcher {
  private keys: string[] = [];
  private keyIndex = new Map<string, number>();
  private args: (string | number)[] = [0];
  private count = 0;
  private ids?: Promise<unknown>;
  private resolve!: (ids: unknown) => void;
  private reject!: (err: unknown) => void;

  constructor(
    private readonly redis: Redis,
    private readonly maxBatch = 256,
  ) {}

  /**
   * Queues a message for `lane`, with the latest index in `indexKey`. `values` are its field
   * values in `encodedFieldNames` order (`encodeValues`).
   */
  append(lane: string, indexKey: string, values: readonly string[]): AppendTicket {
    if (this.ids === undefined) {
      this.ids = new Promise<unknown>((resolve, reject) => {
        this.resolve = resolve;
        this.reject = reject;
      });
      process.nextTick(flushBatcher, this);
    }
    const ticket: AppendTicket = { ids: this.ids, index: this.count };
    this.count += 1;
    this.args.push(this.slot(lane), this.slot(indexKey));
    for (const value of values) this.args.push(value);
    if (this.count >= this.maxBatch) this.flush();
    return ticket;
  }

  private slot(key: string): number {
    let at = this.keyIndex.get(key);
    if (at === undefined) {
      at = this.keys.push(key);
      this.keyIndex.set(key, at);
    }
    return at;
  }

  flush(): void {
    if (this.ids === undefined) return;
    const { keys, args, resolve, reject } = this;
    args[0] = this.count;
    this.keys = [];
    this.keyIndex = new Map();
    this.args = [0];
    this.count = 0;
    this.ids = undefined;
    publishScript.run(this.redis, keys, args).then(resolve, reject);
  }
}

function flushBatcher(batcher: PublishBatcher): void {
  batcher.flush();
}
