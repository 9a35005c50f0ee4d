import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The dashboard's Content-Security-Policy: everything from this server only, nothing from
 * another host, no inline script, no plugin, and no page may frame it (`frame-ancestors
 * 'none'`, so a clickjacking page cannot put the kill-switch buttons under a click of its own).
 * `upgrade-insecure-requests` is left out on purpose: the dashboard is often reached over plain
 * HTTP on a private address, where upgrading its own requests to HTTPS would break them.
 */
export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
} as const;

/**
 * Bull Board's variant: its page and its editor set inline styles (style attributes on the
 * loading placeholder, `<style>` tags CodeMirror adds at run time without a nonce), which only
 * `'unsafe-inline'` for styles allows. Its scripts need nothing more: the one inline
 * `<script>` is a JSON data block (`type="application/json"`), which a browser never runs and
 * CSP does not govern.
 */
export const BOARD_CONTENT_SECURITY_POLICY = {
  ...CONTENT_SECURITY_POLICY,
  'style-src': ["'self'", "'unsafe-inline'"],
} as const;

function headers(directives: Record<string, readonly string[]>): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    // For browsers that predate frame-ancestors.
    xFrameOptions: { action: 'deny' },
  });
}

/**
 * Express middleware setting helmet's security headers on every response (nosniff,
 * `Referrer-Policy: no-referrer`, cross-origin isolation of the window and resources,
 * `X-Frame-Options: DENY`, …) and `CONTENT_SECURITY_POLICY`, or, under `boardPath`,
 * `BOARD_CONTENT_SECURITY_POLICY`. Mounted first, so refusals (401, 403, 404) carry them too.
 */
export function securityHeaders(options: { boardPath: string }): RequestHandler {
  const strict = headers(CONTENT_SECURITY_POLICY);
  const board = headers(BOARD_CONTENT_SECURITY_POLICY);
  const prefix = options.boardPath.toLowerCase();
  return (req, res, next) => {
    // Express routes case-insensitively: /UI reaches the board too.
    const path = req.path.toLowerCase();
    const underBoard = path === prefix || path.startsWith(`${prefix}/`);
    (underBoard ? board : strict)(req, res, next);
  };
}
