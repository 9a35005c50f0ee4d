import Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnthropicProviderConfig } from '../../src/config/sections/llm-config.ts';
import { AnthropicClient } from '../../src/llm/anthropic-client.ts';
import { replyJsonSchema } from '../../src/llm/reply-json-schema.ts';
import { parseModelReply } from '../../src/llm/parse-model-reply.ts';
import { createTradeDecisionSchema } from '../../src/panel/trade-decision.ts';
import { replyWith, startModelServer, type ModelServer } from '../support/model-server.ts';
import { aDecision } from './llm-fixtures.ts';

const KEY = 'sk-ant-test-fedcba9876543210';
const MODEL = 'claude-sonnet-5-5';
const TradeDecision = createTradeDecisionSchema();

describe('Anthropic client against the strict model stand-in', () => {
  let server: ModelServer;
  beforeEach(async () => {
    server = await startModelServer();
  });
  afterEach(async () => {
    await server.close();
  });

  const client = () =>
    new AnthropicClient(
      AnthropicProviderConfig.parse({
        kind: 'anthropic',
        baseUrl: server.url,
        apiKey: KEY,
        model: MODEL,
        maxTokens: 2_048,
        timeoutMs: 5_000,
        maxRetries: 0,
      }),
    );
  const ask = (jsonSchema?: Record<string, unknown>) =>
    client().complete({
      model: MODEL,
      system: 'You decide trades.',
      messages: [{ role: 'user', content: 'BTC/USD: decide.' }],
      jsonSchema,
      timeoutMs: 5_000,
      signal: AbortSignal.timeout(5_000),
    });

  it('constrains the reply to the JSON schema with output_config.format, and the reply in that format parses', async () => {
    server.script(MODEL, replyWith(aDecision()));
    const reply = await ask(replyJsonSchema(TradeDecision));

    const body = server.requestsFor(MODEL)[0]!.body;
    expect(body).toMatchObject({
      max_tokens: 2_048,
      output_config: { format: { type: 'json_schema', schema: { type: 'object', additionalProperties: false } } },
    });
    // What structured output cannot enforce moved into the descriptions; zod still checks it.
    const schema = JSON.stringify(body.output_config);
    expect(schema).not.toContain('"minimum"');
    expect(schema).toContain('{minimum: 0, maximum: 1}');
    expect(body).not.toHaveProperty('temperature');

    expect(parseModelReply(reply.text, TradeDecision)).toEqual({ ok: true, value: TradeDecision.parse(aDecision()) });
  });

  it('sends no output format when there is no schema (the probe)', async () => {
    server.script(MODEL, replyWith('OK'));
    await ask();
    expect(server.requestsFor(MODEL)[0]!.body).not.toHaveProperty('output_config');
  });

  it('is refused, as Anthropic refuses it, for a schema with constraints structured output does not support', async () => {
    const sdk = new Anthropic({ apiKey: KEY, authToken: null, baseURL: server.url, maxRetries: 0 });
    const raw = z.toJSONSchema(z.object({ confidence: z.number().min(0).max(1) }));
    const refused = await sdk.messages
      .create({
        model: MODEL,
        max_tokens: 64,
        messages: [{ role: 'user', content: 'ping' }],
        output_config: { format: { type: 'json_schema', schema: raw } },
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(refused).toBeInstanceOf(Anthropic.BadRequestError);
    expect(String(refused)).toContain(
      "output_config.format.schema.properties.confidence: 'minimum' is not supported in structured outputs",
    );
  });

  it('gets 404 not_found_error for a model id Anthropic does not serve', async () => {
    const refused = await client()
      .complete({
        model: 'claude-nonexistent-9',
        system: 's',
        messages: [{ role: 'user', content: 'ping' }],
        timeoutMs: 5_000,
        signal: AbortSignal.timeout(5_000),
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(refused).toMatchObject({ failure: 'http_error', status: 404 });
  });

  it('lists the models with the lifecycle Anthropic states', async () => {
    const listed = await client().listModels({ timeoutMs: 5_000, signal: AbortSignal.timeout(5_000) });
    expect(listed).toContainEqual({ id: MODEL });
    expect(listed).toContainEqual({ id: 'claude-sonnet-4-5', retirement: 'deprecated since 2026-06-01' });
    expect(listed.map((m) => m.id)).not.toContain('gpt-6-luna');
  });
});
