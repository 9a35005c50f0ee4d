import type { RequestHandler } from 'express';
import type { Logger } from '../shared/logger.ts';
import type { HostAllowlist } from './host-allowlist.ts';

/** Methods that change nothing: browsers send them cross-site freely, and nothing here acts on them. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Express middleware refusing (403, `{ error }`) a request that could change something (any
 * method but GET, HEAD and OPTIONS) unless its `Host` is one the server answers to and its
 * `Origin`, when sent, is `http(s)://` one of those. A missing `Host`, an `Origin: null` (a
 * sandboxed or `file:` page) and any other scheme are refused too.
 *
 * This is what keeps a web page out: through DNS rebinding it reaches the server under a name
 * of its own, which shows in `Host`; cross-site it carries its own `Origin`. Basic auth alone
 * would not, since a browser replays cached credentials. Logs each refusal as a warning
 * (method, path, host, origin; never a credential).
 *
 * @param allowlist read per request: the allowed names are known only once the server is bound.
 */
export function refuseForeignRequests(options: { allowlist: () => HostAllowlist; logger: Logger }): RequestHandler {
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method)) {
      next();
      return;
    }
    const allowlist = options.allowlist();
    const host = req.headers.host ?? '';
    const origin = req.headers.origin;
    const problem = !allowlist.allows(host)
      ? 'host'
      : origin !== undefined && !allowlist.allows(originHost(origin))
        ? 'origin'
        : undefined;
    if (!problem) {
      next();
      return;
    }
    options.logger.warn(
      { method: req.method, path: req.path, host, origin, refused: problem },
      'dashboard refused a request addressed to a foreign host',
    );
    const error =
      problem === 'host'
        ? 'the Host header does not name this server: add the name to dashboard.allowedHosts'
        : 'the Origin is not this server: cross-site requests are refused (add the name to dashboard.allowedHosts if it is one)';
    res.status(403).json({ error });
  };
}

/** `https://dash.example.com:8443` → `dash.example.com:8443`; anything but an http(s) origin → `''` (never allowed). */
function originHost(origin: string): string {
  const match = /^https?:\/\/([^/?#@]+)$/i.exec(origin);
  return match?.[1] ?? '';
}
