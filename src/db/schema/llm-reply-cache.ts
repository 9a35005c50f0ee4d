import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { timestamptz } from '../columns.ts';

/**
 * Validated model replies by prompt, content-addressed, so that a replayed run asks no model
 * twice and repeats exactly. Written and read only when the reply cache is on (replay).
 */
export const llmReplyCache = pgTable('llm_reply_cache', {
  /** sha256 (hex) of provider, model and the whole prompt. Serves the lookup by key. */
  key: text('key').primaryKey(),
  provider: text('provider').notNull(),
  model: text('model').notNull(),
  /** The reply text as the model sent it (after the repair, when one was needed). */
  reply: text('reply').notNull(),
  inputTokens: integer('input_tokens').notNull().default(0),
  outputTokens: integer('output_tokens').notNull().default(0),
  /** When the reply was stored, in the clock's time; older than `llm.replyCache.maxAgeMs` is asked again. */
  createdAt: timestamptz('created_at').notNull(),
});

export type LlmReplyCacheRow = typeof llmReplyCache.$inferSelect;
