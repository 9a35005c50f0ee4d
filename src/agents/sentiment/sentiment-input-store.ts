import { createHash } from 'node:crypto';
import { and, desc, eq, gte, lte } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/open-database.ts';
import { sentimentInputs } from '../../db/schema/sentiment-inputs.ts';
import { TriplegainError } from '../../shared/triplegain-error.ts';
import { SentimentInput } from './sentiment-input.ts';

/** Most inputs one `addSentimentInputs` call takes (one INSERT statement). */
export const MAX_INPUTS_PER_ADD = 1_000;

const SentimentInputBatch = z
  .array(SentimentInput)
  .max(MAX_INPUTS_PER_ADD, `at most ${MAX_INPUTS_PER_ADD} inputs per call`);

/** A stored headline or post, as the agent reads it. */
export interface StoredSentimentInput {
  id: number;
  symbol: string;
  text: string;
  source: string;
  publishedAtMs: number;
}

/**
 * Stores headlines or posts for the sentiment agent. The same text from the same source for
 * the same symbol is stored once: a repeat (in this batch or an earlier one) is skipped and
 * keeps the first `publishedAtMs`.
 *
 * @returns how many were new.
 * @throws TriplegainError `DATA_INVALID` (not retryable), naming every offending field
 *   (`[0].symbol: expected a pair such as BTC/USD`), when any input fails `SentimentInput`;
 *   nothing is stored then.
 */
export async function addSentimentInputs(db: Db, inputs: readonly z.input<typeof SentimentInput>[]): Promise<number> {
  const parsed = parseSentimentInputs(inputs);
  if (parsed.length === 0) return 0;
  const rows = await db
    .insert(sentimentInputs)
    .values(
      parsed.map((input) => ({
        symbol: input.symbol,
        text: input.text,
        source: input.source,
        textHash: createHash('sha256').update(input.text).digest('hex'),
        publishedAt: new Date(input.publishedAtMs),
      })),
    )
    .onConflictDoNothing({ target: [sentimentInputs.symbol, sentimentInputs.source, sentimentInputs.textHash] })
    .returning({ id: sentimentInputs.id });
  return rows.length;
}

/**
 * Validates inputs as `addSentimentInputs` does, for a caller that wants to refuse bad input
 * before opening anything (the CLI).
 *
 * @throws TriplegainError `DATA_INVALID`, naming every offending field.
 */
export function parseSentimentInputs(inputs: readonly z.input<typeof SentimentInput>[]): SentimentInput[] {
  const parsed = SentimentInputBatch.safeParse(inputs);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ');
    throw new TriplegainError('DATA_INVALID', `invalid sentiment input: ${issues}`, { issues: parsed.error.issues });
  }
  return parsed.data;
}

export interface LoadSentimentInputsQuery {
  /** Published at or after this instant. */
  sinceMs: number;
  /** Published at or before this instant (a replay must not read what is not yet published). Default: no limit. */
  untilMs?: number;
  /** At most this many, the newest kept. */
  limit: number;
}

/** The headlines and posts of `symbol` published in the window, newest first. */
export async function loadSentimentInputs(
  db: Db,
  symbol: string,
  query: LoadSentimentInputsQuery,
): Promise<StoredSentimentInput[]> {
  const conditions = [eq(sentimentInputs.symbol, symbol), gte(sentimentInputs.publishedAt, new Date(query.sinceMs))];
  if (query.untilMs !== undefined) conditions.push(lte(sentimentInputs.publishedAt, new Date(query.untilMs)));
  const rows = await db
    .select()
    .from(sentimentInputs)
    .where(and(...conditions))
    .orderBy(desc(sentimentInputs.publishedAt), desc(sentimentInputs.id))
    .limit(query.limit);
  return rows.map((row) => ({
    id: row.id,
    symbol: row.symbol,
    text: row.text,
    source: row.source,
    publishedAtMs: row.publishedAt.getTime(),
  }));
}

/** `[2].text`, or `(inputs)` for the batch itself. */
function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(inputs)';
  return path
    .map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : `${i === 0 ? '' : '.'}${String(segment)}`))
    .join('');
}
