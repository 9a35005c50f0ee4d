import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAgentOutput, saveAgentOutput } from '../support/agent-output-by-name.ts';
import { detectRegime } from '../../src/agents/regime/detect-regime.ts';
import { computeTechnicalAnalysis } from '../../src/agents/ta/compute-technical-analysis.ts';
import { AgentsConfig } from '../../src/config/sections/agents-config.ts';
import { agentOutputs } from '../../src/db/schema/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { readCandleFixture } from './ta/candle-fixtures.ts';

const HOUR_MS = 3_600_000;
const bull = readCandleFixture('btc-usd-1h-bull');
const ta = computeTechnicalAnalysis(bull);
const taBarBefore = computeTechnicalAnalysis(bull.slice(0, -1));
const regime = detectRegime(bull, AgentsConfig.parse({}).regime);

describe.each(['postgres', 'pglite'] as const)('agent output store on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(driver);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const rowCount = async () => (await t.db.select({ n: count() }).from(agentOutputs))[0]!.n;

  it('returns a saved TA output exactly as it was computed', async () => {
    expect(await saveAgentOutput(t.db, { agent: 'ta', symbol: 'BTC/USD', output: ta, correlationId: 'run-1' })).toEqual(
      { inserted: true },
    );

    const loaded = await loadAgentOutput(t.db, 'ta', 'BTC/USD', {
      timeframe: '1h',
      candleOpenTimeMs: ta.candleOpenTimeMs,
    });
    expect(loaded).toMatchObject({
      agent: 'ta',
      symbol: 'BTC/USD',
      timeframe: '1h',
      candleOpenTimeMs: ta.candleOpenTimeMs,
      correlationId: 'run-1',
    });
    expect(loaded!.output).toStrictEqual(ta);
    expect(loaded!.createdAt).toBeInstanceOf(Date);
  });

  it('stores a re-run of the same bar once and keeps the first output', async () => {
    const before = await rowCount();
    const rerun = { ...ta, confidence: 0.01 };
    expect(
      await saveAgentOutput(t.db, { agent: 'ta', symbol: 'BTC/USD', output: rerun, correlationId: 'run-2' }),
    ).toEqual({ inserted: false });
    expect(await rowCount()).toBe(before);

    const loaded = await loadAgentOutput(t.db, 'ta', 'BTC/USD', {
      timeframe: '1h',
      candleOpenTimeMs: ta.candleOpenTimeMs,
    });
    expect(loaded).toMatchObject({ correlationId: 'run-1', output: { confidence: ta.confidence } });
  });

  it('keeps agents, symbols and bars apart and answers the newest bar when none is named', async () => {
    expect(
      await saveAgentOutput(t.db, { agent: 'regime', symbol: 'BTC/USD', output: regime, correlationId: 'run-1' }),
    ).toEqual({ inserted: true });
    expect(await saveAgentOutput(t.db, { agent: 'ta', symbol: 'XRP/USD', output: ta, correlationId: 'run-3' })).toEqual(
      { inserted: true },
    );
    expect(
      await saveAgentOutput(t.db, { agent: 'ta', symbol: 'BTC/USD', output: taBarBefore, correlationId: 'run-0' }),
    ).toEqual({ inserted: true });
    expect(taBarBefore.candleOpenTimeMs).toBe(ta.candleOpenTimeMs - HOUR_MS);

    const latest = await loadAgentOutput(t.db, 'ta', 'BTC/USD', { timeframe: '1h' });
    expect(latest).toMatchObject({ candleOpenTimeMs: ta.candleOpenTimeMs, correlationId: 'run-1' });
    const earlier = await loadAgentOutput(t.db, 'ta', 'BTC/USD', {
      timeframe: '1h',
      candleOpenTimeMs: taBarBefore.candleOpenTimeMs,
    });
    expect(earlier!.output).toStrictEqual(taBarBefore);
    const storedRegime = await loadAgentOutput(t.db, 'regime', 'BTC/USD', { timeframe: '1h' });
    expect(storedRegime!.output).toStrictEqual(regime);
  });

  it('answers null when there is no output for the agent, symbol, timeframe or bar', async () => {
    expect(await loadAgentOutput(t.db, 'regime', 'XRP/USD', { timeframe: '1h' })).toBeNull();
    expect(await loadAgentOutput(t.db, 'ta', 'BTC/USD', { timeframe: '4h' })).toBeNull();
    expect(await loadAgentOutput(t.db, 'ta', 'BTC/USD', { timeframe: '1h', candleOpenTimeMs: 0 })).toBeNull();
  });

  it('refuses an output that fails its schema, naming the field', async () => {
    const before = await rowCount();
    const invalid = { ...ta, confidence: 1.5 };
    await expect(
      saveAgentOutput(t.db, { agent: 'ta', symbol: 'BTC/USD', output: invalid, correlationId: 'run-4' }),
    ).rejects.toMatchObject({
      code: 'MESSAGE_INVALID',
      message: expect.stringContaining('confidence'),
    });
    expect(await rowCount()).toBe(before);
  });
});
