import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSentimentInputs, loadSentimentInputs } from '../../../src/agents/sentiment/sentiment-input-store.ts';
import { sentimentInputs } from '../../../src/db/schema/index.ts';
import { TriplegainError } from '../../../src/shared/triplegain-error.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { anInput, HOUR_MS, NOW_MS } from './sentiment-fixtures.ts';

describe.each(['postgres', 'pglite'] as const)('sentiment input store on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(driver);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const rowCount = async () => (await t.db.select({ n: count() }).from(sentimentInputs))[0]!.n;

  it('stores a headline once, however often and however spaced it is added', async () => {
    const etf = anInput({ symbol: 'XRP/USD', text: 'XRP ETF approved' });
    const before = await rowCount();

    expect(await addSentimentInputs(t.db, [etf, etf, anInput({ symbol: 'XRP/USD' })])).toBe(2);
    expect(await addSentimentInputs(t.db, [{ ...etf, text: '  XRP   ETF\napproved ', publishedAtMs: NOW_MS }])).toBe(0);
    expect(await rowCount()).toBe(before + 2);

    // The same text is another input when it comes from another source or is about another pair.
    expect(
      await addSentimentInputs(t.db, [
        { ...etf, source: 'rss' },
        { ...etf, symbol: 'BTC/USD' },
      ]),
    ).toBe(2);
    // The repeat kept the first publication time; equal times list the later insert first.
    const stored = await loadSentimentInputs(t.db, 'XRP/USD', { sinceMs: 0, limit: 10 });
    expect(stored.filter((s) => s.text === 'XRP ETF approved').map((s) => [s.source, s.publishedAtMs])).toEqual([
      ['rss', etf.publishedAtMs],
      ['cli', etf.publishedAtMs],
    ]);
  });

  it('refuses a bad input with an error naming the field, and stores nothing of its batch', async () => {
    const before = await rowCount();
    const attempt = (inputs: Parameters<typeof addSentimentInputs>[1]) =>
      addSentimentInputs(t.db, inputs).then(
        () => null,
        (err: unknown) => err,
      );

    const empty = await attempt([anInput(), anInput({ text: ' \n\t ' })]);
    expect(empty).toBeInstanceOf(TriplegainError);
    expect(empty).toMatchObject({ code: 'DATA_INVALID', retryable: false });
    expect((empty as Error).message).toBe('invalid sentiment input: [1].text: must not be empty');

    const tooLong = await attempt([anInput({ text: 'x'.repeat(2_001) })]);
    expect((tooLong as Error).message).toBe('invalid sentiment input: [0].text: must be at most 2000 characters');
    expect(await addSentimentInputs(t.db, [anInput({ text: 'y'.repeat(2_000) })])).toBe(1);

    const badPair = await attempt([anInput({ symbol: 'btcusd', source: 'RSS feed' })]);
    expect((badPair as Error).message).toBe(
      'invalid sentiment input: [0].symbol: expected a pair such as BTC/USD; [0].source: expected a lowercase source name such as cli or rss',
    );

    expect(await rowCount()).toBe(before + 1);
  });

  it('loads the inputs of one pair published in the window, newest first, at most the limit', async () => {
    const at = (hoursAgo: number, text: string) =>
      anInput({ symbol: 'ETH/USD', text, publishedAtMs: NOW_MS - hoursAgo * HOUR_MS });
    await addSentimentInputs(t.db, [
      at(1, 'one hour ago'),
      at(7, 'seven hours ago'),
      at(3, 'three hours ago'),
      at(-1, 'in an hour'),
      at(2, 'two hours ago'),
      anInput({ symbol: 'SOL/USD', text: 'other pair' }),
    ]);

    const window = { sinceMs: NOW_MS - 6 * HOUR_MS, untilMs: NOW_MS };
    const texts = async (query: Parameters<typeof loadSentimentInputs>[2]) =>
      (await loadSentimentInputs(t.db, 'ETH/USD', query)).map((s) => s.text);
    expect(await texts({ ...window, limit: 50 })).toEqual(['one hour ago', 'two hours ago', 'three hours ago']);
    expect(await texts({ ...window, limit: 2 })).toEqual(['one hour ago', 'two hours ago']);
    expect(await texts({ sinceMs: window.sinceMs, limit: 50 })).toEqual([
      'in an hour',
      'one hour ago',
      'two hours ago',
      'three hours ago',
    ]);

    const [newest] = await loadSentimentInputs(t.db, 'ETH/USD', { ...window, limit: 1 });
    expect(newest).toEqual({
      id: expect.any(Number),
      symbol: 'ETH/USD',
      text: 'one hour ago',
      source: 'cli',
      publishedAtMs: NOW_MS - HOUR_MS,
    });
  });
});
