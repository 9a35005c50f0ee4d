import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Clock } from '../clock/clock.ts';
import type { Db } from '../db/open-database.ts';
import { llmReplyCache, type LlmReplyCacheRow } from '../db/schema/llm-reply-cache.ts';
import type { ChatMessage } from './model-client.ts';

/**
 * Validated replies by prompt (`llm_reply_cache`), content-addressed by sha256 of provider,
 * model and the whole prompt. On during replay only (`llm.replyCache.enabled` and
 * `marketData.source: replay`), so that a replayed run asks each question once and repeats
 * exactly; a live prompt is never answered from it.
 */
export class ReplyCache {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    /** `llm.replyCache.maxAgeMs`: an older entry is a miss (and is replaced by the new reply). */
    private readonly maxAgeMs: number,
  ) {}

  /** The cache key: sha256 (hex) over provider, model, system prompt and messages. */
  static keyOf(provider: string, model: string, system: string, messages: ChatMessage[]): string {
    return createHash('sha256')
      .update(JSON.stringify([provider, model, system, messages]))
      .digest('hex');
  }

  async get(key: string): Promise<LlmReplyCacheRow | undefined> {
    const [row] = await this.db.select().from(llmReplyCache).where(eq(llmReplyCache.key, key));
    if (row === undefined || this.clock.now() - row.createdAt.getTime() > this.maxAgeMs) return undefined;
    return row;
  }

  async put(entry: Omit<LlmReplyCacheRow, 'createdAt'>): Promise<void> {
    const createdAt = new Date(this.clock.now());
    await this.db
      .insert(llmReplyCache)
      .values({ ...entry, createdAt })
      .onConflictDoUpdate({
        target: llmReplyCache.key,
        set: { reply: entry.reply, inputTokens: entry.inputTokens, outputTokens: entry.outputTokens, createdAt },
      });
  }
}
