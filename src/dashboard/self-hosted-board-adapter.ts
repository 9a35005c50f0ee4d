import type { AppViewRoute } from '@bull-board/api/typings/app';
import { ExpressAdapter } from '@bull-board/express';
import type { RequestHandler } from 'express';

/**
 * `<link>` and `<script>` tags of the board's page that load from another host: @bull-board/ui
 * 9.10.1 (`dist/index.ejs`) links IBM Plex from fonts.googleapis.com. Without it the board
 * falls back to the browser's sans-serif and monospace fonts.
 */
const THIRD_PARTY_TAG =
  /<link\b[^>]*\bhref=["']?(?:https?:)?\/\/[^>]*>|<script\b[^>]*\bsrc=["']?(?:https?:)?\/\/[^>]*>\s*<\/script>/gi;

/** The board's page without the tags that load anything from another host. */
export function withoutThirdPartyAssets(html: string): string {
  return html.replace(THIRD_PARTY_TAG, '');
}

/**
 * Bull Board's Express adapter, except that its page loads nothing from another host: a page
 * behind the dashboard's password should not tell a font CDN who opens it and when, and the
 * dashboard's Content-Security-Policy allows only this server (`securityHeaders`). The board's
 * scripts, styles, icons and API calls are all served from its own `static/` and `api/`.
 *
 * Same routes and rendering as `ExpressAdapter.setEntryRoute` (@bull-board/express 9.10.1),
 * with the rendered page passed through `withoutThirdPartyAssets`.
 */
export class SelfHostedBoardAdapter extends ExpressAdapter {
  override setEntryRoute(routeDef: AppViewRoute): ExpressAdapter {
    const page: RequestHandler = (_req, res, next) => {
      const { name, params } = routeDef.handler({ basePath: this.basePath, uiConfig: this.uiConfig });
      res.render(name, params, (err: Error | null, html?: string) => {
        if (err) {
          next(err);
          return;
        }
        res.type('html').send(withoutThirdPartyAssets(html ?? ''));
      });
    };
    this.app[routeDef.method](routeDef.route, page);
    return this;
  }
}
