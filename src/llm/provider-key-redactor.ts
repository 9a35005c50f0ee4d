import type { LlmProviderConfig } from '../config/sections/llm-config.ts';
import { redactSecrets } from '../shared/redact-secrets.ts';

/** Shortest key worth replacing (shorter strings would mangle ordinary text). */
const MIN_SECRET_CHARS = 4;

/**
 * A redactor for text that may quote a provider's response: every configured API key (even one
 * written into a config file rather than the environment) and any secret from the environment
 * becomes `***`.
 */
export function providerKeyRedactor(providers: Readonly<Record<string, LlmProviderConfig>>): (text: string) => string {
  // Longest first, so a key that contains another is replaced whole.
  const keys = Object.values(providers)
    .map((p) => p.apiKey)
    .filter((key) => key.length >= MIN_SECRET_CHARS)
    .sort((a, b) => b.length - a.length);
  return (text) => {
    let out = redactSecrets(text);
    for (const key of keys) out = out.split(key).join('***');
    return out;
  };
}
