import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { garbage, startModelServer, type ModelServer } from '../support/model-server.ts';
import { runCli } from '../support/run-cli.ts';
import { scaled } from '../support/test-timing.ts';

const KEYS = {
  deepseek: 'sk-deepseek-check-0123456789',
  openai: 'sk-openai-check-abcdef0123',
  anthropic: 'sk-ant-check-fedcba987654',
};

describe('triplegain models check', () => {
  let server: ModelServer;
  let dir: string;
  beforeEach(async () => {
    server = await startModelServer();
    dir = await mkdtemp(join(tmpdir(), 'tgtest-models-check-'));
  });
  afterEach(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs the CLI over a config naming these models at the stand-in; `null` leaves a provider without a key. */
  async function check(models: { deepseek: string; openai: string | null; anthropic: string }) {
    const file = join(dir, 'models.yaml');
    await writeFile(
      file,
      [
        'llm:',
        '  providers:',
        `    deepseek: { baseUrl: "${server.openAiUrl}", apiKey: "\${DEEPSEEK_API_KEY}", model: "${models.deepseek}" }`,
        // Without a key, a provider that is not on this machine (a local server needs none).
        models.openai === null
          ? '    openai: { baseUrl: "https://api.openai.invalid/v1", apiKey: "", model: "gpt-6-luna" }'
          : `    openai: { baseUrl: "${server.openAiUrl}", apiKey: "\${OPENAI_API_KEY}", model: "${models.openai}" }`,
        `    anthropic: { baseUrl: "${server.url}", apiKey: "\${ANTHROPIC_API_KEY}", model: "${models.anthropic}" }`,
        '',
      ].join('\n'),
    );
    // Keys come from the environment (a file may only refer to them); the shell's own must not leak in.
    const env = {
      DEEPSEEK_API_KEY: KEYS.deepseek,
      OPENAI_API_KEY: models.openai === null ? '' : KEYS.openai,
      ANTHROPIC_API_KEY: KEYS.anthropic,
      TRIPLEGAIN_CONFIG: '',
    };
    const result = await runCli(env, ['-c', file, 'models', 'check', '--timeout-ms', '10000'], scaled(60_000));
    for (const key of Object.values(KEYS)) expect(result.stdout + result.stderr).not.toContain(key);
    return { ...result, lines: result.stdout.trimEnd().split('\n') };
  }

  it(
    'says OK for known ids that answer the probe, and skips a provider with no key',
    { timeout: scaled(90_000) },
    async () => {
      server.script('deepseek-flash', garbage('OK'));
      server.script('claude-sonnet-5-5', garbage('OK'));
      const { code, lines, stderr } = await check({
        deepseek: 'deepseek-flash',
        openai: null,
        anthropic: 'claude-sonnet-5-5',
      });
      expect(code, stderr).toBe(0);
      expect(lines).toEqual([
        expect.stringMatching(/^OK {3}deepseek\/deepseek-flash: listed by the provider, answered a probe in \d+ ms$/),
        expect.stringMatching(
          /^OK {3}anthropic\/claude-sonnet-5-5: listed by the provider, answered a probe in \d+ ms$/,
        ),
        'SKIP openai/gpt-6-luna: no API key (llm.providers.openai.apiKey is empty)',
        'SKIP ollama/llama3.1:8b: a local server with no API key that no panel, sentiment or resolver uses',
        'models check: 2 ok, 0 to fix, 2 skipped',
      ]);
      // The probes are tiny: a few tokens each.
      expect(server.requestsFor('deepseek-flash')[0]!.body).toMatchObject({ max_tokens: 16 });
      expect(server.requestsFor('claude-sonnet-5-5')[0]!.body).toMatchObject({ max_tokens: 16 });
    },
  );

  it('says what to fix for an unknown id and a deprecated one, and exits 1', { timeout: scaled(90_000) }, async () => {
    server.script('gpt-6-luna', garbage('OK'));
    server.script('claude-sonnet-4-5', garbage('OK'));
    const { code, lines } = await check({
      deepseek: 'deepseek-v9-imaginary',
      openai: 'gpt-6-luna',
      anthropic: 'claude-sonnet-4-5',
    });
    expect(code).toBe(1);
    expect(lines[0]).toMatch(
      /^FIX {2}deepseek\/deepseek-v9-imaginary: the provider does not list this id: use one its models endpoint lists; the probe failed \(HTTP 404: .*The model `deepseek-v9-imaginary` does not exist/,
    );
    expect(lines[1]).toMatch(/^FIX {2}anthropic\/claude-sonnet-4-5: /);
    expect(lines[1]).toContain('the provider marks it deprecated since 2026-06-01: move to its replacement');
    expect(lines[1]).toContain(
      'the installed @anthropic-ai/sdk marks it deprecated (end of life November 30th, 2026): move to a current model',
    );
    expect(lines[2]).toMatch(/^OK {3}openai\/gpt-6-luna: listed by the provider, answered a probe in \d+ ms$/);
    expect(lines.at(-1)).toBe('models check: 1 ok, 2 to fix, 1 skipped');
    // The gpt-6 probe passed the stand-in's strict checks: OpenAI's parameters for a reasoning model.
    expect(server.requestsFor('gpt-6-luna')[0]!.body).toMatchObject({ max_completion_tokens: 16 });
  });
});
