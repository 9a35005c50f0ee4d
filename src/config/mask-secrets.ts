import { redactUrl } from '../shared/redact-secrets.ts';
import { isPlainObject } from './deep-merge.ts';
import { SECRET_KEY } from './format-violations.ts';

/** The mask shown instead of a secret. */
export const MASK = '***';

/**
 * A copy of a config tree fit for printing: every non-empty value under a key named like a
 * secret (`apiKey`, `apiSecret`, `token`, `password`, `secret`) becomes `***`, and every URL
 * loses its password and its query values. Empty secrets stay empty, which shows they are not configured.
 */
export function maskSecrets<T>(tree: T): T {
  return mask(tree, undefined) as T;
}

function mask(node: unknown, key: string | undefined): unknown {
  if (Array.isArray(node)) return node.map((item) => mask(item, undefined));
  // Every value of a `headers` mapping (alerts.webhooks[].headers) is a secret, whatever its header is called.
  if (key === 'headers' && isPlainObject(node))
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, v === '' ? v : MASK]));
  if (isPlainObject(node)) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, mask(v, k)]));
  if (key !== undefined && SECRET_KEY.test(key) && node !== '' && node !== undefined && node !== null) return MASK;
  if (typeof node === 'string') return maskQueryValues(redactUrl(node));
  return node;
}

/**
 * An http(s) URL with every query value masked: webhook URLs often carry their token there
 * (`?token=…`, `?key=…`), and a query parameter's name says nothing about whether it is one.
 */
function maskQueryValues(value: string): string {
  if (!/^https?:\/\//i.test(value)) return value;
  return value.replace(/([?&][^=&#]+=)[^&#]*/g, (_m, name: string) => `${name}${MASK}`);
}
