import type { Redis } from 'ioredis';
import { publishScript } from './scripts/publish-script.ts';

export interface Append {
  lane: string;
  indexKey: string;
  indexFields: [bySource: string, anySource: string];
  laneTag: 'u' | 'm';
  fields: string[];
}

interface Pending extends Append {
  resolve(id: string): void;
  reject(err: unknown): void;
}

/**
 * Coalesces the appends issued in one tick into a single script call: one round trip and one
 * script run for many messages instead of one each. Each caller still resolves only once
 * Redis holds its entry; a failed call rejects every append in it.
 */
export class PublishBatcher {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly redis: Redis,
    private readonly maxBatch = 256,
  ) {}

  append(append: Append): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      this.queue.push({ ...append, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        process.nextTick(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const keys: string[] = [];
    const keyIndex = new Map<string, number>();
    const slot = (key: string) => {
      let at = keyIndex.get(key);
      if (at === undefined) {
        at = keys.push(key);
        keyIndex.set(key, at);
      }
      return at;
    };
    const args: (string | number)[] = [batch.length];
    for (const p of batch) {
      args.push(slot(p.lane), slot(p.indexKey), p.indexFields[0], p.indexFields[1], p.laneTag, p.fields.length);
      for (const f of p.fields) args.push(f);
    }
    publishScript.run(this.redis, keys, args).then(
      (ids) => {
        const list = ids as string[];
        batch.forEach((p, i) => p.resolve(String(list[i])));
      },
      (err: unknown) => batch.forEach((p) => p.reject(err)),
    );
  }
}
