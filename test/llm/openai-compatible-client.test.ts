import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenAiCompatibleProviderConfig } from '../../src/config/sections/llm-config.ts';
import { ModelCallError } from '../../src/llm/model-client.ts';
import { OpenAiCompatibleClient } from '../../src/llm/openai-compatible-client.ts';
import { garbage, startModelServer, type ModelServer } from '../support/model-server.ts';

const KEY = 'sk-openai-test-00aa11bb22cc';

describe('OpenAI-compatible client against the strict model stand-in', () => {
  let server: ModelServer;
  beforeEach(async () => {
    server = await startModelServer();
  });
  afterEach(async () => {
    await server.close();
  });

  const clientFor = (dialect: 'openai' | 'deepseek' | 'generic') =>
    new OpenAiCompatibleClient(
      OpenAiCompatibleProviderConfig.parse({
        kind: 'openai-compatible',
        baseUrl: server.openAiUrl,
        apiKey: KEY,
        model: 'unused',
        dialect,
        maxTokens: 512,
        timeoutMs: 5_000,
        maxRetries: 0,
      }),
    );
  const ask = (client: OpenAiCompatibleClient, model: string) =>
    client.complete({
      model,
      system: 'Reply in JSON.',
      messages: [{ role: 'user', content: 'ping' }],
      timeoutMs: 5_000,
      signal: AbortSignal.timeout(5_000),
    });
  const refusalOf = async (promise: Promise<unknown>) => {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(err instanceof ModelCallError)) throw new Error(`expected a ModelCallError, got ${String(err)}`);
    return err;
  };

  it('asks a gpt-6 reasoning model with max_completion_tokens and no temperature, which it accepts', async () => {
    server.script('gpt-6-luna', garbage('{"ok":true}'));
    const reply = await ask(clientFor('openai'), 'gpt-6-luna');
    expect(reply.text).toBe('{"ok":true}');
    const body = server.requestsFor('gpt-6-luna')[0]!.body;
    expect(body).toMatchObject({ max_completion_tokens: 512, response_format: { type: 'json_object' } });
    expect(body).not.toHaveProperty('max_tokens');
    expect(body).not.toHaveProperty('temperature');
  });

  it('keeps temperature 0 for an OpenAI model that takes it, with max_completion_tokens', async () => {
    server.script('gpt-4o-mini', garbage('{}'));
    await ask(clientFor('openai'), 'gpt-4o-mini');
    expect(server.requestsFor('gpt-4o-mini')[0]!.body).toMatchObject({ max_completion_tokens: 512, temperature: 0 });
    expect(server.requestsFor('gpt-4o-mini')[0]!.body).not.toHaveProperty('max_tokens');
  });

  it("is refused by a gpt-6 model with the vendor's error when it sends max_tokens and temperature 0 (the generic dialect)", async () => {
    server.script('gpt-6-luna', garbage('{}'));
    const err = await refusalOf(ask(clientFor('generic'), 'gpt-6-luna'));
    expect(err).toMatchObject({ failure: 'http_error', status: 400 });
    expect(err.message).toContain(
      "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
    );
  });

  it('is refused by a gpt-6 model for a temperature other than 1, as OpenAI refuses it', async () => {
    const sdk = new OpenAI({ apiKey: KEY, baseURL: server.openAiUrl, maxRetries: 0 });
    const refused = await sdk.chat.completions
      .create({
        model: 'gpt-6-luna',
        messages: [{ role: 'user', content: 'ping' }],
        max_completion_tokens: 16,
        temperature: 0,
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect(refused).toMatchObject({ status: 400, code: 'unsupported_value', param: 'temperature' });
  });

  it('asks DeepSeek with max_tokens, temperature 0 and thinking mode off, which its models accept', async () => {
    server.script('deepseek-flash', garbage('{}'));
    await ask(clientFor('deepseek'), 'deepseek-flash');
    expect(server.requestsFor('deepseek-flash')[0]!.body).toMatchObject({
      max_tokens: 512,
      temperature: 0,
      thinking: { type: 'disabled' },
    });
  });

  it("is refused by OpenAI for DeepSeek's thinking field", async () => {
    const err = await refusalOf(ask(clientFor('deepseek'), 'gpt-4o-mini'));
    expect(err.message).toContain('Unrecognized request argument supplied: thinking');
  });

  it('gets 404 model_not_found for an id the vendor does not serve', async () => {
    const err = await refusalOf(ask(clientFor('openai'), 'gpt-9-nonexistent'));
    expect(err).toMatchObject({ failure: 'http_error', status: 404 });
    expect(err.message).toContain('The model `gpt-9-nonexistent` does not exist or you do not have access to it.');
  });

  it('lists the models of the endpoint with the shutdown dates OpenAI states', async () => {
    const listed = await clientFor('openai').listModels({ timeoutMs: 5_000, signal: AbortSignal.timeout(5_000) });
    expect(listed).toContainEqual({ id: 'gpt-6-luna' });
    expect(listed).toContainEqual({ id: 'gpt-4o-mini', retirement: 'shuts down 2027-01-14' });
    expect(listed.map((m) => m.id)).not.toContain('claude-sonnet-5-5');
  });
});
