import type { StandInModel } from './stand-in-models.ts';

/** An HTTP error response as the vendor sends it. */
export interface VendorRefusal {
  status: number;
  body: unknown;
}

/**
 * Keywords a structured-output schema may hold; Anthropic refuses the others (numeric and
 * length constraints, patterns…), which is why the SDK's `transformJSONSchema` moves them into
 * descriptions.
 */
const STRUCTURED_OUTPUT_KEYWORDS = new Set([
  '$schema',
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'const',
  'anyOf',
  'allOf',
  'description',
  'title',
  'format',
  'minItems',
  '$defs',
  '$ref',
  'default',
]);

/**
 * What the vendor answers a chat request it refuses, or undefined when it takes it: an unknown
 * model (404), and the parameters the model does not accept (400), with the vendor's status and
 * error body (OpenAI's bodies as its API returns them for `max_tokens`, `temperature` and
 * unknown arguments).
 */
export function vendorRefusal(
  format: 'openai' | 'anthropic',
  body: Record<string, unknown>,
  models: readonly StandInModel[],
): VendorRefusal | undefined {
  const id = typeof body.model === 'string' ? body.model : '';
  const model = models.find((m) => m.id === id && m.format === format);
  return format === 'openai' ? openAiRefusal(id, model, body) : anthropicRefusal(id, model, body);
}

function openAiRefusal(
  id: string,
  model: StandInModel | undefined,
  body: Record<string, unknown>,
): VendorRefusal | undefined {
  const error = (status: number, message: string, param: string | null, code: string | null): VendorRefusal => ({
    status,
    body: { error: { message, type: 'invalid_request_error', param, code } },
  });
  if (model === undefined)
    return error(404, `The model \`${id}\` does not exist or you do not have access to it.`, null, 'model_not_found');
  if (model.reasoning && body.max_tokens !== undefined) {
    return error(
      400,
      "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
      'max_tokens',
      'unsupported_parameter',
    );
  }
  if (model.reasoning && body.temperature !== undefined && body.temperature !== 1) {
    return error(
      400,
      `Unsupported value: 'temperature' does not support ${String(body.temperature)} with this model. Only the default (1) value is supported.`,
      'temperature',
      'unsupported_value',
    );
  }
  if (!model.thinking && body.thinking !== undefined)
    return error(400, 'Unrecognized request argument supplied: thinking', null, null);
  return undefined;
}

function anthropicRefusal(
  id: string,
  model: StandInModel | undefined,
  body: Record<string, unknown>,
): VendorRefusal | undefined {
  const error = (status: number, type: string, message: string): VendorRefusal => ({
    status,
    body: { type: 'error', error: { type, message } },
  });
  if (model === undefined) return error(404, 'not_found_error', `model: ${id}`);
  for (const param of ['temperature', 'top_p', 'top_k']) {
    if (model.defaultSamplingOnly && body[param] !== undefined)
      return error(
        400,
        'invalid_request_error',
        `${param}: sampling parameters are not supported for ${id}; omit them`,
      );
  }
  const outputConfig = body.output_config;
  if (outputConfig !== undefined) {
    const format = isRecord(outputConfig) ? outputConfig.format : undefined;
    if (!isRecord(format) || format.type !== 'json_schema' || !isRecord(format.schema)) {
      return error(
        400,
        'invalid_request_error',
        'output_config.format: expected {"type": "json_schema", "schema": {...}}',
      );
    }
    const problem = schemaProblem(format.schema, 'output_config.format.schema');
    if (problem) return error(400, 'invalid_request_error', problem);
  }
  return undefined;
}

/** The first thing in a structured-output schema that Anthropic refuses, with its path. */
function schemaProblem(schema: Record<string, unknown>, path: string): string | undefined {
  for (const [key, value] of Object.entries(schema)) {
    if (!STRUCTURED_OUTPUT_KEYWORDS.has(key)) return `${path}: '${key}' is not supported in structured outputs`;
    if (key === 'minItems' && value !== 0 && value !== 1) return `${path}.minItems: only 0 or 1 is supported`;
  }
  if (schema.type === 'object' && schema.additionalProperties !== false)
    return `${path}: 'additionalProperties' must be set to false for object types`;
  const children: [string, unknown][] = [
    ...Object.entries(isRecord(schema.properties) ? schema.properties : {}).map(([k, v]): [string, unknown] => [
      `${path}.properties.${k}`,
      v,
    ]),
    ...Object.entries(isRecord(schema.$defs) ? schema.$defs : {}).map(([k, v]): [string, unknown] => [
      `${path}.$defs.${k}`,
      v,
    ]),
    ...(['anyOf', 'allOf'] as const).flatMap((k) => {
      const variants: unknown = schema[k];
      return Array.isArray(variants)
        ? variants.map((v: unknown, i): [string, unknown] => [`${path}.${k}[${i}]`, v])
        : [];
    }),
    ...(schema.items === undefined ? [] : [[`${path}.items`, schema.items] as [string, unknown]]),
  ];
  for (const [childPath, child] of children) {
    const problem = isRecord(child) ? schemaProblem(child, childPath) : `${childPath}: expected a schema object`;
    if (problem) return problem;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
