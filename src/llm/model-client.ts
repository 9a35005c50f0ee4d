/** One turn of a conversation with a model. */
export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** A request to one model: instructions, the conversation so far, and how long it may take. */
export interface ModelRequest {
  model: string;
  /** Instructions, including the JSON schema the reply must match. */
  system: string;
  messages: ChatMessage[];
  /** Time of one HTTP attempt; the SDK retries up to the provider's `maxRetries`. */
  timeoutMs: number;
  /** Aborts the call (the caller's deadline); an aborted call fails as `timeout`. */
  signal: AbortSignal;
  /** The JSON schema the reply must match; a client whose API can constrain the reply to it does. */
  jsonSchema?: Record<string, unknown>;
  /** Limit of the reply's tokens; default the provider's `maxTokens`. */
  maxTokens?: number;
}

/** A model's reply: its text and what it cost in tokens. */
export interface ModelReply {
  text: string;
  inputTokens: number;
  outputTokens: number;
  /** The reply stopped at `max_tokens`, so its JSON is likely cut off. */
  truncated: boolean;
}

/** A model the provider lists at its models endpoint. */
export interface ListedModel {
  id: string;
  /** What the provider says of its retirement (`deprecated`, `shuts down 2027-01-14`…); undefined while active. */
  retirement?: string;
}

/** A provider endpoint, whatever its wire format. */
export interface ModelClient {
  /**
   * Sends one request (the SDK retries network errors, 5xx and 429 itself).
   *
   * @throws ModelCallError when no reply came: `timeout`, `rate_limited` or `http_error`.
   */
  complete(request: ModelRequest): Promise<ModelReply>;
  /**
   * The models the provider knows, from its models endpoint (every page).
   *
   * @throws ModelCallError as `complete` does.
   */
  listModels(opts: { timeoutMs: number; signal: AbortSignal }): Promise<ListedModel[]>;
}

/** Why a call brought no reply; the values are outcomes of the `llm_calls` record. */
export type ModelCallFailure = 'timeout' | 'rate_limited' | 'http_error';

/** A model call that brought no reply. The message may hold response text: redact before storing. */
export class ModelCallError extends Error {
  readonly failure: ModelCallFailure;
  /** HTTP status, when a response came. */
  readonly status: number | undefined;

  constructor(failure: ModelCallFailure, message: string, status?: number, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ModelCallError';
    this.failure = failure;
    this.status = status;
  }
}

/**
 * The failure for what an SDK threw: `timeout` when the request timed out or our deadline
 * aborted it, `rate_limited` for HTTP 429, `http_error` for any other status or a network
 * error. The clients decide `timedOut` and `status` with their own SDK's error classes.
 */
export function modelCallErrorFrom(
  err: unknown,
  facts: { timedOut: boolean; status: number | undefined },
): ModelCallError {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  if (facts.timedOut) return new ModelCallError('timeout', `timed out (${message})`, undefined, { cause: err });
  if (facts.status === 429) return new ModelCallError('rate_limited', `HTTP 429: ${message}`, 429, { cause: err });
  if (facts.status !== undefined)
    return new ModelCallError('http_error', `HTTP ${facts.status}: ${message}`, facts.status, { cause: err });
  return new ModelCallError('http_error', message, undefined, { cause: err });
}
