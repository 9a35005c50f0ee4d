import { z } from 'zod';

/** Strips wrappers that do not change what a value must look like. */
export function unwrapSchema(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (;;) {
    if (
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault ||
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodReadonly ||
      current instanceof z.ZodCatch
    ) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else {
      return current;
    }
  }
}

/**
 * The schema that validates the value at `path` inside `root`, or undefined when the path
 * leaves the schema (an unknown key). A union answers with its first member that has the path.
 */
export function schemaAtPath(root: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = unwrapSchema(root);
  for (const [i, segment] of path.entries()) {
    if (current instanceof z.ZodUnion) {
      const rest = path.slice(i);
      return (current.options as z.ZodType[])
        .map((option) => schemaAtPath(option, rest))
        .find((found) => found !== undefined);
    }
    current = childSchema(current, segment);
    if (current === undefined) return undefined;
    current = unwrapSchema(current);
  }
  return current;
}

function childSchema(schema: z.ZodType | undefined, segment: PropertyKey): z.ZodType | undefined {
  if (schema instanceof z.ZodObject)
    return Object.hasOwn(schema.shape, segment) ? (schema.shape[segment as string] as z.ZodType) : undefined;
  if (schema instanceof z.ZodRecord) return schema.valueType as z.ZodType;
  if (schema instanceof z.ZodArray) return typeof segment === 'number' ? (schema.element as z.ZodType) : undefined;
  return undefined;
}

/** The keys an object schema allows (after unwrapping), or [] for anything else. */
export function allowedKeys(schema: z.ZodType | undefined): string[] {
  const inner = schema === undefined ? undefined : unwrapSchema(schema);
  if (inner instanceof z.ZodObject) return Object.keys(inner.shape);
  if (inner instanceof z.ZodUnion)
    return [...new Set((inner.options as z.ZodType[]).flatMap((option) => allowedKeys(option)))];
  return [];
}

/** Inclusive or exclusive bounds of a number, or of a string's or array's length. */
export interface Bounds {
  min?: { value: number; inclusive: boolean };
  max?: { value: number; inclusive: boolean };
}

/** Reads the bounds a schema checks (`min`, `max`, `gt`, `lt`, `length`…). */
export function boundsOf(schema: z.ZodType | undefined): Bounds {
  const bounds: Bounds = {};
  if (schema === undefined) return bounds;
  for (const check of unwrapSchema(schema)._zod.def.checks ?? []) {
    const def = check._zod.def;
    switch (def.check) {
      case 'greater_than':
        if ('value' in def && typeof def.value === 'number' && 'inclusive' in def)
          bounds.min = { value: def.value, inclusive: Boolean(def.inclusive) };
        break;
      case 'less_than':
        if ('value' in def && typeof def.value === 'number' && 'inclusive' in def)
          bounds.max = { value: def.value, inclusive: Boolean(def.inclusive) };
        break;
      case 'min_length':
        if ('minimum' in def && typeof def.minimum === 'number') bounds.min = { value: def.minimum, inclusive: true };
        break;
      case 'max_length':
        if ('maximum' in def && typeof def.maximum === 'number') bounds.max = { value: def.maximum, inclusive: true };
        break;
      case 'length_equals':
        if ('length' in def && typeof def.length === 'number') {
          bounds.min = { value: def.length, inclusive: true };
          bounds.max = { value: def.length, inclusive: true };
        }
        break;
      default:
        break;
    }
  }
  return bounds;
}

/** The kind of scalar a schema expects, when it is one. */
export function scalarKind(schema: z.ZodType | undefined): 'string' | 'number' | 'boolean' | undefined {
  const inner = schema === undefined ? undefined : unwrapSchema(schema);
  if (inner instanceof z.ZodString || inner instanceof z.ZodStringFormat || inner instanceof z.ZodEnum) return 'string';
  if (inner instanceof z.ZodNumber) return 'number';
  if (inner instanceof z.ZodBoolean) return 'boolean';
  return undefined;
}
