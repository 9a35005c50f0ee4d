import { TriplegainError } from '../shared/triplegain-error.ts';

/**
 * A copy of a config tree (parsed YAML) with `value` at a dotted path, missing objects made on
 * the way. A numeric segment indexes a list the tree already has (`agents.decision.panel.0`),
 * or else the list `defaults` (the parsed `config/default.yaml`) has there, copied whole (a
 * layer replaces a list whole): a sweep changes a list item, it does not invent one. Pure.
 *
 * @throws TriplegainError `INPUT_INVALID` for an index into something that is not a list of
 *   that length, or a key into something that is not an object.
 */
export function setConfigPath(tree: unknown, path: string, value: unknown, defaults: unknown = {}): unknown {
  const segments = path.split('.');
  const set = (node: unknown, i: number, fallback: unknown): unknown => {
    if (i === segments.length) return value;
    const segment = segments[i]!;
    const here = segments.slice(0, i).join('.') || 'the config';
    if (/^\d+$/.test(segment)) {
      if (node === undefined && Array.isArray(fallback)) node = structuredClone(fallback);
      const index = Number(segment);
      if (!Array.isArray(node) || index >= node.length)
        throw new TriplegainError(
          'INPUT_INVALID',
          `${path}: ${here} has no item ${index} (a sweep changes list items the base config or the defaults name)`,
        );
      return node.map((item, k) => (k === index ? set(item, i + 1, undefined) : item));
    }
    if (node === undefined || node === null) node = {};
    if (typeof node !== 'object' || Array.isArray(node))
      throw new TriplegainError('INPUT_INVALID', `${path}: ${here} is not a section, it cannot have ${segment}`);
    const object = node as Record<string, unknown>;
    const below =
      typeof fallback === 'object' && fallback !== null ? (fallback as Record<string, unknown>)[segment] : undefined;
    return { ...object, [segment]: set(object[segment], i + 1, below) };
  };
  return set(tree, 0, defaults);
}
