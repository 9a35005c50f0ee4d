/** What an HTTP server answers, as `{ error }`, for an error a handler or a body parser passed on. */
export interface HttpErrorReply {
  status: number;
  error: string;
}

/**
 * The answer to an error passed to an Express error handler: a body parser's errors (Express's
 * `body-parser`: `type` such as `entity.parse.failed`, `status` 4xx) become their own status
 * with a message saying what to send instead; any other 4xx error with `expose` keeps its
 * status and message; everything else is 500 `internal error`, so nothing of a stack or an
 * internal message reaches the client. The caller logs what it needs.
 */
export function httpErrorReply(err: unknown): HttpErrorReply {
  const fields = typeof err === 'object' && err !== null ? (err as Record<string, unknown>) : {};
  const status =
    typeof fields.status === 'number' ? fields.status : typeof fields.statusCode === 'number' ? fields.statusCode : 500;
  if (status < 400 || status >= 500) return { status: 500, error: 'internal error' };
  switch (fields.type) {
    case 'entity.parse.failed':
      return { status: 400, error: 'the body is not valid JSON' };
    case 'entity.too.large':
      return { status: 413, error: `the body is too large (at most ${String(fields.limit)} bytes)` };
    case 'encoding.unsupported':
      return {
        status: 415,
        error: `unsupported Content-Encoding "${String(fields.encoding)}": send the body uncompressed, or as gzip, deflate or br`,
      };
    case 'charset.unsupported':
      return { status: 415, error: `unsupported charset "${String(fields.charset)}": send UTF-8` };
    case 'request.aborted':
      return { status: 400, error: 'the request was aborted before its body was read' };
    default:
      break;
  }
  // zlib's and brotli's errors, passed on by the body parser as 400, carry an errno.
  if (typeof fields.errno === 'number')
    return { status: 400, error: 'the body could not be decompressed: it does not match its Content-Encoding' };
  if (fields.expose === true && err instanceof Error) return { status, error: err.message };
  return { status, error: 'the request could not be read' };
}
