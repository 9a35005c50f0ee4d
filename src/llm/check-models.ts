import { panelModels } from '../config/fields/panel-member-config.ts';
import type { AppConfig } from '../config/app-config.ts';
import type { LlmProviderConfig } from '../config/sections/llm-config.ts';
import { configuredModels } from './configured-models.ts';
import { createModelClient, isLocalProvider } from './create-model-client.ts';
import type { ListedModel, ModelClient } from './model-client.ts';
import type { ModelRef } from './model-ref.ts';
import { providerKeyRedactor } from './provider-key-redactor.ts';

/** Tokens of the probe's reply: enough for "OK", and for a reasoning model to start. */
const PROBE_MAX_TOKENS = 16;

/** What `checkModels` found about one configured model. */
export interface ModelCheck extends ModelRef {
  /** `ok`: known and answering; `fix`: something to change; `skipped`: not checked (no key). */
  outcome: 'ok' | 'fix' | 'skipped';
  /** One line, redacted: what was found, or what to fix. */
  detail: string;
}

export interface CheckModelsOptions {
  /** Wall time of one provider call (the models list, or a probe), at most the provider's `timeoutMs`. */
  timeoutMs: number;
  /** Ids the installed SDKs mark deprecated → end of life (`loadSdkDeprecatedModels`); undefined when unknown. */
  sdkDeprecated: ReadonlyMap<string, string> | undefined;
  /** The client of a provider; default the real SDK client. */
  clientFor?: (config: LlmProviderConfig) => ModelClient;
}

/**
 * Checks every configured model (`configuredModels`) at its provider: whether the provider's
 * models endpoint lists the id, whether a one-line probe (a tiny request, `PROBE_MAX_TOKENS`,
 * `timeoutMs` of wall time) is answered, whether the provider says it is being retired, and,
 * for Anthropic, whether the installed SDK marks it deprecated. A provider with no API key is
 * skipped, not failed, unless it is a server on this machine (which needs none) that a panel,
 * the sentiment agent or the resolver uses. Never throws for a provider's failure;
 * every detail is redacted (API keys and secrets from the environment).
 */
export async function checkModels(
  config: Pick<AppConfig, 'llm' | 'agents' | 'coordinator'>,
  options: CheckModelsOptions,
): Promise<ModelCheck[]> {
  const redact = providerKeyRedactor(config.llm.providers);
  const clientFor = options.clientFor ?? createModelClient;
  const refs = configuredModels(config);
  const used = new Set(
    [...panelModels(config.agents.decision.panel), ...config.agents.sentiment.models].map((r) => r.provider),
  );
  used.add(config.coordinator.resolver.primary);
  if (config.coordinator.resolver.fallback !== null) used.add(config.coordinator.resolver.fallback);
  const listings = new Map<string, Promise<ListedModel[] | string>>();
  return Promise.all(
    refs.map(async (ref): Promise<ModelCheck> => {
      const provider = config.llm.providers[ref.provider];
      if (provider === undefined)
        return { ...ref, outcome: 'fix', detail: `no provider ${ref.provider} under llm.providers` };
      if (provider.apiKey === '' && !isLocalProvider(provider))
        return { ...ref, outcome: 'skipped', detail: `no API key (llm.providers.${ref.provider}.apiKey is empty)` };
      // A local server needs no key; one nothing asks is not expected to be running.
      if (provider.apiKey === '' && !used.has(ref.provider))
        return {
          ...ref,
          outcome: 'skipped',
          detail: 'a local server with no API key that no panel, sentiment or resolver uses',
        };
      const client = clientFor(provider);
      const timeoutMs = Math.min(options.timeoutMs, provider.timeoutMs);
      let listing = listings.get(ref.provider);
      if (listing === undefined) {
        listing = client
          .listModels({ timeoutMs, signal: AbortSignal.timeout(timeoutMs) })
          .catch((err: unknown) => describe(err));
        listings.set(ref.provider, listing);
      }
      const [listed, probe] = await Promise.all([listing, probeModel(client, ref.model, timeoutMs)]);
      const problems: string[] = [];
      const entry = typeof listed === 'string' ? undefined : listed.find((m) => m.id === ref.model);
      if (typeof listed === 'string') problems.push(`the models endpoint failed (${listed})`);
      else if (entry === undefined)
        problems.push('the provider does not list this id: use one its models endpoint lists');
      if (entry?.retirement) problems.push(`the provider marks it ${entry.retirement}: move to its replacement`);
      const endOfLife = provider.kind === 'anthropic' ? options.sdkDeprecated?.get(ref.model) : undefined;
      if (endOfLife !== undefined)
        problems.push(
          `the installed @anthropic-ai/sdk marks it deprecated (end of life ${endOfLife}): move to a current model`,
        );
      if (typeof probe === 'string') problems.push(`the probe failed (${probe})`);
      else if (problems.length === 0)
        return { ...ref, outcome: 'ok', detail: `listed by the provider, answered a probe in ${probe.latencyMs} ms` };
      return { ...ref, outcome: 'fix', detail: redact(problems.join('; ')) };
    }),
  );
}

/** A tiny request; its latency, or why it got no reply. */
async function probeModel(
  client: ModelClient,
  model: string,
  timeoutMs: number,
): Promise<{ latencyMs: number } | string> {
  const startedMs = performance.now();
  try {
    await client.complete({
      model,
      system: 'This is a connectivity check.',
      messages: [{ role: 'user', content: 'Reply with the single word OK.' }],
      maxTokens: PROBE_MAX_TOKENS,
      timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { latencyMs: Math.round(performance.now() - startedMs) };
  } catch (err) {
    return describe(err);
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
