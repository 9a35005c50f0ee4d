/** A plain object (a YAML mapping), as opposed to an array, null or a scalar. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Layers `overlay` over `base`: mappings merge key by key, recursively, except at the dotted
 * paths in `replaceWhole`; anything else in the overlay (a scalar, a list, null) replaces what
 * the base had. Neither input is modified.
 */
export function deepMerge(
  base: unknown,
  overlay: unknown,
  replaceWhole: ReadonlySet<string> = new Set(),
  path = '',
): unknown {
  if (overlay === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(overlay) || replaceWhole.has(path)) return overlay;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    out[key] = deepMerge(base[key], value, replaceWhole, path === '' ? key : `${path}.${key}`);
  }
  return out;
}
