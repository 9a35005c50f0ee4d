import { redactUrl } from '../shared/redact-secrets.ts';
import { isPlainObject } from './deep-merge.ts';
import { SECRET_KEY } from './format-violations.ts';

/** The mask shown instead of a secret. */
export const MASK = '***';

/**
 * A copy of a config tree fit for printing: every non-empty value under a key named like a
 * secret (`apiKey`, `apiSecret`, `token`, `password`, `secret`) becomes `***`, and every URL
 * loses its password. Empty secrets stay empty, which shows they are not configured.
 */
export function maskSecrets<T>(tree: T): T {
  return mask(tree, undefined) as T;
}

function mask(node: unknown, key: string | undefined): unknown {
  if (Array.isArray(node)) return node.map((item) => mask(item, undefined));
  // Every value of a `headers` mapping (alerts.webhooks[].headers) is a secret, whatever its header is called.
  if (key === 'headers' && isPlainObject(node)) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, v === '' ? v : MASK]));
  if (isPlainObject(node)) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, mask(v, k)]));
  if (key !== undefined && SECRET_KEY.test(key) && node !== '' && node !== undefined && node !== null) return MASK;
  if (typeof node === 'string') return redactUrl(node);
  return node;
}
