import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { STAND_IN_MODELS, type StandInModel } from './stand-in-models.ts';
import { vendorRefusal } from './vendor-refusal.ts';

/**
 * What the server does with one request. `text` is the model's reply text (the server wraps
 * it in the wire format of the request); `truncated` marks the reply as cut off at max_tokens.
 */
export type ModelBehaviour =
  | { kind: 'reply'; text: string; inputTokens?: number; outputTokens?: number; truncated?: boolean }
  | { kind: 'slow'; delayMs: number; then: ModelBehaviour }
  | { kind: 'status'; status: number; message: string; headers?: Record<string, string>; echoApiKey?: boolean };

/** A reply whose text is `value` as JSON: valid, or failing the schema, as the test needs. */
export function replyWith(value: unknown, usage: { inputTokens?: number; outputTokens?: number } = {}): ModelBehaviour {
  return { kind: 'reply', text: JSON.stringify(value), ...usage };
}

/** A reply that is not JSON at all. */
export function garbage(text = 'The market looks bullish to me, I would buy some.'): ModelBehaviour {
  return { kind: 'reply', text };
}

/** A JSON reply cut off halfway, stopped at max_tokens. */
export function truncatedJson(value: unknown): ModelBehaviour {
  const json = JSON.stringify(value);
  return { kind: 'reply', text: json.slice(0, Math.floor(json.length / 2)), truncated: true };
}

/** `then`, after `delayMs` (longer than the client's timeout to make it time out). */
export function slow(delayMs: number, then: ModelBehaviour = garbage()): ModelBehaviour {
  return { kind: 'slow', delayMs, then };
}

/** An HTTP error; with `echoApiKey` the error message quotes the key the request carried. */
export function httpError(
  status = 500,
  message = 'internal server error',
  opts: { echoApiKey?: boolean } = {},
): ModelBehaviour {
  return { kind: 'status', status, message, ...opts };
}

/** HTTP 429 with a `retry-after` header, in seconds. */
export function rateLimited(retryAfterS = 1): ModelBehaviour {
  return {
    kind: 'status',
    status: 429,
    message: 'rate limit exceeded',
    headers: { 'retry-after': String(retryAfterS) },
  };
}

export interface RecordedModelRequest {
  format: 'openai' | 'anthropic';
  path: string;
  /** `model` of the request body. */
  model: string;
  /** The parsed JSON body. */
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
}

export interface ModelServer {
  /** `http://127.0.0.1:<port>`: the Anthropic base URL (the SDK adds `/v1/messages`). */
  url: string;
  /** `<url>/v1`: the OpenAI base URL (the SDK adds `/chat/completions`). */
  openAiUrl: string;
  /** Every request received, in order. */
  requests: RecordedModelRequest[];
  /** The requests for one model. */
  requestsFor(model: string): RecordedModelRequest[];
  /** Behaviours for requests naming `model`, in order; the last one repeats. */
  script(model: string, ...behaviours: ModelBehaviour[]): void;
  /** Behaviours for the next requests whatever their model, used up before any per-model script. */
  scriptNext(...behaviours: ModelBehaviour[]): void;
  close(): Promise<void>;
}

/**
 * One local HTTP server speaking both wire formats, for the real SDKs pointed at it by
 * baseURL: OpenAI `POST /v1/chat/completions` (and `/chat/completions`, DeepSeek's path) and
 * Anthropic `POST /v1/messages`, and the models endpoints `GET /v1/models` (Anthropic's list when
 * the request carries `anthropic-version`, else OpenAI's) and `GET /models` (DeepSeek's).
 *
 * As strict as the vendors: a request naming a model it does not serve (`models`, default
 * `STAND_IN_MODELS`), or a parameter that model refuses, gets the vendor's status and error body
 * (`vendorRefusal`) before any script is used. A request with no script gets HTTP 500 "no script
 * for model".
 */
export async function startModelServer(opts: { models?: readonly StandInModel[] } = {}): Promise<ModelServer> {
  const models = opts.models ?? STAND_IN_MODELS;
  const requests: RecordedModelRequest[] = [];
  const perModel = new Map<string, ModelBehaviour[]>();
  const next: ModelBehaviour[] = [];

  const behaviourFor = (model: string): ModelBehaviour => {
    const queued = next.shift();
    if (queued) return queued;
    const scripted = perModel.get(model);
    if (!scripted || scripted.length === 0) return httpError(500, `no script for model ${model}`);
    return scripted.length > 1 ? scripted.shift()! : scripted[0]!;
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { error: { message: String(err) } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
      send(
        res,
        200,
        req.headers['anthropic-version'] === undefined ? openAiModelList(models) : anthropicModelList(models),
      );
      return;
    }
    const format =
      req.method === 'POST' && (path === '/v1/chat/completions' || path === '/chat/completions')
        ? 'openai'
        : req.method === 'POST' && path === '/v1/messages'
          ? 'anthropic'
          : undefined;
    const raw = await readBody(req);
    if (format === undefined) {
      send(res, 404, { error: { message: `no route ${req.method} ${path}` } });
      return;
    }
    const body = JSON.parse(raw) as Record<string, unknown>;
    const model = typeof body.model === 'string' ? body.model : '';
    requests.push({ format, path, model, body, headers: req.headers });
    const refusal = vendorRefusal(format, body, models);
    if (refusal) {
      send(res, refusal.status, refusal.body);
      return;
    }
    await respond(res, format, model, req.headers, behaviourFor(model));
  }

  async function respond(
    res: ServerResponse,
    format: 'openai' | 'anthropic',
    model: string,
    headers: IncomingHttpHeaders,
    behaviour: ModelBehaviour,
  ): Promise<void> {
    switch (behaviour.kind) {
      case 'slow': {
        const gone = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), behaviour.delayMs);
          res.on('close', () => {
            clearTimeout(timer);
            resolve(true);
          });
        });
        if (!gone) await respond(res, format, model, headers, behaviour.then);
        return;
      }
      case 'status': {
        const key = String(headers['x-api-key'] ?? headers.authorization ?? '').replace(/^Bearer /, '');
        const message = behaviour.echoApiKey ? `${behaviour.message} (key ${key})` : behaviour.message;
        const errorBody =
          format === 'openai'
            ? { error: { message, type: 'server_error', code: null } }
            : { type: 'error', error: { type: 'api_error', message } };
        send(res, behaviour.status, errorBody, behaviour.headers);
        return;
      }
      case 'reply': {
        const inputTokens = behaviour.inputTokens ?? 100;
        const outputTokens = behaviour.outputTokens ?? 50;
        if (format === 'openai') {
          send(res, 200, {
            id: `chatcmpl-${requests.length}`,
            object: 'chat.completion',
            created: 1_700_000_000,
            model,
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content: behaviour.text, refusal: null },
                finish_reason: behaviour.truncated ? 'length' : 'stop',
                logprobs: null,
              },
            ],
            usage: {
              prompt_tokens: inputTokens,
              completion_tokens: outputTokens,
              total_tokens: inputTokens + outputTokens,
            },
          });
        } else {
          send(res, 200, {
            id: `msg_${requests.length}`,
            type: 'message',
            role: 'assistant',
            model,
            content: [{ type: 'text', text: behaviour.text }],
            stop_reason: behaviour.truncated ? 'max_tokens' : 'end_turn',
            stop_sequence: null,
            usage: { input_tokens: inputTokens, output_tokens: outputTokens },
          });
        }
        return;
      }
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    openAiUrl: `${url}/v1`,
    requests,
    requestsFor: (model) => requests.filter((r) => r.model === model),
    script: (model, ...behaviours) => perModel.set(model, [...behaviours]),
    scriptNext: (...behaviours) => next.push(...behaviours),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** OpenAI's `GET /v1/models` (DeepSeek and Ollama answer the same shape). */
function openAiModelList(models: readonly StandInModel[]): unknown {
  const data = models
    .filter((m) => m.format === 'openai')
    .map((m) => ({
      id: m.id,
      object: 'model',
      created: 1_700_000_000,
      owned_by: 'stand-in',
      ...(m.shutdownDate ? { shutdown_date: m.shutdownDate } : {}),
    }));
  return { object: 'list', data };
}

/** Anthropic's `GET /v1/models`, one page. */
function anthropicModelList(models: readonly StandInModel[]): unknown {
  const data = models
    .filter((m) => m.format === 'anthropic')
    .map((m) => ({
      type: 'model',
      id: m.id,
      display_name: m.id,
      created_at: '2026-01-01T00:00:00Z',
      lifecycle: m.lifecycle ?? 'active',
      deprecated_at: m.lifecycle === 'deprecated' || m.lifecycle === 'retired' ? '2026-06-01T00:00:00Z' : null,
    }));
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
