import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { sendFixture, takeOverride } from './fixture-response.ts';
import { listenLocal } from './listen-local.ts';

const fixtureDir = new URL('../fixtures/kraken/', import.meta.url);
const readFixture = (name: string): string => readFileSync(new URL(name, fixtureDir), 'utf8');

/** Real Kraken public responses by path (see `test/fixtures/kraken/SOURCES.md`). */
export function krakenFixtureBodies(): Record<string, string> {
  const capturedPairs = JSON.parse(readFixture('nautilus/http_asset_pairs.json')) as {
    result: Record<string, unknown>;
  };
  const ccxtPairs = JSON.parse(readFixture('ccxt/markets_kraken_assetpairs_info_extract.json')) as Record<
    string,
    unknown
  >;
  return {
    '/0/public/Assets': readFixture('kraken-api-specs/spot-rest_public_assets_info.json'),
    // One AssetPairs answer built from two sources: the real 2025 XBTUSDT entry (which
    // matches the OHLC and Ticker captures) and the USD pairs as ccxt keeps them.
    '/0/public/AssetPairs': JSON.stringify({ error: [], result: { ...ccxtPairs, ...capturedPairs.result } }),
    '/0/public/OHLC': readFixture('nautilus/http_ohlc.json'),
    '/0/public/Ticker': readFixture('nautilus/http_ticker.json'),
  };
}

/**
 * Kraken's `/0/public/Time` answer at `nowMs`, in the shape of the docs' example
 * (https://docs.kraken.com/api-reference/market-data/get-server-time): whole seconds, and the
 * time as Kraken writes it (`Thu, 06 Jul 23 18:50:48 +0000`). A recording would be stale by
 * the time it is replayed, so the server answers from its own clock unless a test overrides
 * the path.
 */
export function krakenTimeBody(nowMs: number): string {
  const unixtime = Math.floor(nowMs / 1000);
  const rfc1123 = new Date(unixtime * 1000)
    .toUTCString()
    .replace(/(\d{2}) (\w{3}) \d{2}(\d{2}) (\S+) GMT$/, '$1 $2 $3 $4 +0000');
  return JSON.stringify({ error: [], result: { unixtime, rfc1123 } });
}

/** How to answer a path instead of its fixture. */
export interface FixtureOverride {
  /** Default 200. */
  status?: number;
  /** Raw body, or a value sent as JSON. Default the path's fixture. */
  body?: string | object;
  /** Wait this long before answering. */
  delayMs?: number;
  /**
   * `headers`: accept the request and never send anything. `body`: send the status line,
   * headers and half of the body, then nothing more.
   */
  hang?: 'headers' | 'body';
  /** Apply to this many requests, then fall back. Default: until `reset()`. */
  times?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  atMs: number;
}

export interface KrakenFixtureServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`: Kraken's `https://api.kraken.com`. */
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  override(path: string, response: FixtureOverride): void;
  /** Drops every override and the recorded requests. */
  reset(): void;
  /** Stops the server, destroying hanging connections. */
  close(): Promise<void>;
}

/**
 * A local stand-in for Kraken's public REST API on 127.0.0.1 and a random port, serving the
 * recorded responses by path (and `Time` from its own clock), with per-path errors, delays and
 * silences.
 */
export async function startKrakenFixtureServer(
  bodies: Record<string, string> = krakenFixtureBodies(),
): Promise<KrakenFixtureServer> {
  const requests: RecordedRequest[] = [];
  const overrides = new Map<string, FixtureOverride>();
  const timers = new Set<NodeJS.Timeout>();

  const answer = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://fixture');
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, atMs: Date.now() });

    const override = takeOverride(overrides, url.pathname);
    const fixture =
      bodies[url.pathname] ?? (url.pathname === '/0/public/Time' ? krakenTimeBody(Date.now()) : undefined);
    const body =
      override?.body === undefined
        ? (fixture ?? JSON.stringify({ error: ['EGeneral:Unknown method'] }))
        : typeof override.body === 'string'
          ? override.body
          : JSON.stringify(override.body);
    const status = override?.status ?? (fixture === undefined && override?.body === undefined ? 404 : 200);
    sendFixture(res, status, body, override, timers);
  };

  const server = createServer(answer);
  const listener = await listenLocal(server, timers);

  return {
    url: listener.url,
    requests,
    override: (path, response) => void overrides.set(path, { ...response }),
    reset() {
      overrides.clear();
      requests.length = 0;
    },
    close: () => listener.close(),
  };
}
