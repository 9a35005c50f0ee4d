import type { AppConfig } from '../config/app-config.ts';
import { RULES_PROVIDER } from '../config/sections/llm-config.ts';
import { panelModels } from '../config/fields/panel-member-config.ts';
import type { ModelRef } from './model-ref.ts';

/**
 * Every provider model the configuration names, once each, provider by provider in the order of
 * `llm.providers`: each provider's default `model`, then the models of `agents.decision.panel`
 * and `agents.sentiment.models` at that provider. The built-in `rules` model is not one.
 */
export function configuredModels(config: Pick<AppConfig, 'llm' | 'agents'>): ModelRef[] {
  const refs: ModelRef[] = [
    ...Object.entries(config.llm.providers).map(([provider, p]) => ({ provider, model: p.model })),
    ...panelModels(config.agents.decision.panel),
    ...config.agents.sentiment.models,
  ];
  const seen = new Set<string>();
  const unique = refs.filter((ref) => {
    const key = `${ref.provider}/${ref.model}`;
    if (ref.provider === RULES_PROVIDER || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const order = Object.keys(config.llm.providers);
  return unique
    .map(({ provider, model }) => ({ provider, model }))
    .sort((a, b) => order.indexOf(a.provider) - order.indexOf(b.provider));
}
