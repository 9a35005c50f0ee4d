import { z } from 'zod';

/** Each reply schema's JSON schema, made once: every model call of a purpose sends the same one. */
const jsonSchemas = new WeakMap<z.ZodType, Readonly<Record<string, unknown>>>();

/**
 * The JSON schema of a reply: of what the model writes (`io: 'input'`), so transforms and
 * refinements, which JSON Schema cannot state, are left to the zod parse of the reply.
 */
export function replyJsonSchema(schema: z.ZodType): Readonly<Record<string, unknown>> {
  let jsonSchema = jsonSchemas.get(schema);
  if (jsonSchema === undefined) {
    jsonSchema = Object.freeze(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }));
    jsonSchemas.set(schema, jsonSchema);
  }
  return jsonSchema;
}

/**
 * The instructions every structured request ends with: JSON only, and the schema. DeepSeek's
 * JSON mode needs the word "json" and the schema in the prompt; with Anthropic the schema also
 * constrains the reply (structured output), and the prompt keeps the constraints it cannot.
 */
export function withSchemaInstructions(system: string, jsonSchema: Readonly<Record<string, unknown>>): string {
  return (
    `${system}\n\n` +
    'Reply with exactly one JSON object and nothing else: no prose, no code fence. ' +
    `The object must match this JSON schema:\n${JSON.stringify(jsonSchema)}`
  );
}

/** What a model is told after an invalid reply, before its one more try. */
export function repairRequest(error: string): string {
  return `Your reply was invalid: ${error}\nReply again with exactly one JSON object that matches the schema, and nothing else.`;
}
