import { describe, expect, it } from 'vitest';
import { llmCostUsd } from '../../src/llm/llm-cost.ts';
import { parseModelReply } from '../../src/llm/parse-model-reply.ts';
import { TradeDecision } from '../../src/panel/trade-decision.ts';
import { aDecision } from './llm-fixtures.ts';

describe('llmCostUsd', () => {
  it('prices tokens per million exactly, with no float error', () => {
    // As floats: 1 × 0.1 / 1e6 + 2 × 0.2 / 1e6 = 5.000000000000001e-7.
    expect(llmCostUsd({ inputTokens: 1, outputTokens: 2 }, { inputUsdPerMTok: 0.1, outputUsdPerMTok: 0.2 })).toBe(
      '0.0000005',
    );
    // 123457 × 0.28 + 98765 × 0.42 = 34567.96 + 41481.3 = 76049.26 per million.
    expect(
      llmCostUsd({ inputTokens: 123_457, outputTokens: 98_765 }, { inputUsdPerMTok: 0.28, outputUsdPerMTok: 0.42 }),
    ).toBe('0.07604926');
    expect(llmCostUsd({ inputTokens: 0, outputTokens: 0 }, { inputUsdPerMTok: 3, outputUsdPerMTok: 15 })).toBe('0');
  });
});

describe('parseModelReply', () => {
  it('accepts a JSON object inside a code fence or a sentence', () => {
    const json = JSON.stringify(aDecision());
    expect(parseModelReply('```json\n' + json + '\n```', TradeDecision)).toEqual({ ok: true, value: aDecision() });
    expect(parseModelReply(`Here is my decision: ${json} Good luck.`, TradeDecision)).toEqual({
      ok: true,
      value: aDecision(),
    });
  });

  it('names the failing fields of a reply that does not match the schema', () => {
    const result = parseModelReply(JSON.stringify({ ...aDecision(), action: 'MAYBE', leverage: 9 }), TradeDecision);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/action: .*leverage: /);
  });

  it('says so when a reply is not JSON, or was cut off at max_tokens', () => {
    expect(parseModelReply('I would buy.', TradeDecision)).toMatchObject({
      ok: false,
      error: expect.stringContaining('not one JSON object'),
    });
    expect(parseModelReply('{"action": "BU', TradeDecision, { truncated: true })).toMatchObject({
      ok: false,
      error: expect.stringContaining('cut off at max_tokens'),
    });
  });
});
