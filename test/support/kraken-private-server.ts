import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { signatureMatches } from '../../src/rehearse/kraken-stand-in/kraken-signature.ts';
import { sendFixture, takeOverride } from './fixture-response.ts';
import { krakenFixtureBodies, type FixtureOverride } from './kraken-fixture-server.ts';
import { listenLocal } from './listen-local.ts';

const privateDir = new URL('../fixtures/kraken/private/', import.meta.url);
const readPrivate = (name: string): string => readFileSync(new URL(name, privateDir), 'utf8');

/** Credentials of the test account: the server checks every signature against them. */
export const TEST_API_KEY = 'tg-test-api-key-0001';
export const TEST_API_SECRET = Buffer.from(
  'triplegain test private key, not a Kraken secret, 64 bytes long!!',
).toString('base64');

/**
 * `BalanceEx`'s answer for the same account as a `Balance` answer: each amount as `balance`,
 * nothing held (`hold_trade` "0"). Kraken's Get Extended Balance page gives the shape
 * (https://docs.kraken.com/api-reference/account-data/get-extended-balance) and no example to copy.
 */
export function balanceExOf(balanceBody: string): string {
  const { result } = JSON.parse(balanceBody) as { result: Record<string, string> };
  return JSON.stringify({
    error: [],
    result: Object.fromEntries(Object.entries(result).map(([asset, balance]) => [asset, { balance, hold_trade: '0' }])),
  });
}

/** Default answers per private method (see `test/fixtures/kraken/private/SOURCES.md`). */
export function krakenPrivateFixtureBodies(): Record<string, string> {
  return {
    AddOrder: readPrivate('nautilus/http_add_order_spot.json'),
    CancelOrder: readPrivate('nautilus/http_cancel_order_spot.json'),
    OpenOrders: readPrivate('nautilus/http_open_orders.json'),
    ClosedOrders: readPrivate('nautilus/http_closed_orders.json'),
    QueryOrders: readPrivate('kraken-api-specs/spot-rest_user_orders_query.json'),
    Balance: readPrivate('nautilus/http_spot_balance.json'),
    BalanceEx: balanceExOf(readPrivate('nautilus/http_spot_balance.json')),
  };
}

interface CcxtCase {
  description: string;
  httpResponse: unknown;
  url?: string;
  input?: unknown;
  output?: string;
}
type CcxtFile = { methods: Record<string, CcxtCase[]> };

/** The raw Kraken answer of a test case in ccxt's `response/kraken.json` (real captures), as JSON. */
export function ccxtCapture(method: string, description: string): string {
  const file = JSON.parse(readPrivate('ccxt/response_kraken.json')) as CcxtFile;
  const found = file.methods[method]?.find((c) => c.description === description);
  if (!found) throw new Error(`no ccxt response case ${method} / ${description}`);
  return JSON.stringify(found.httpResponse);
}

/** The url-encoded body ccxt's `request/kraken.json` records for a test case (nonce included). */
export function ccxtRequestBody(method: string, description: string): URLSearchParams {
  const file = JSON.parse(readPrivate('ccxt/request_kraken.json')) as CcxtFile;
  const found = file.methods[method]?.find((c) => c.description === description);
  if (found?.output === undefined) throw new Error(`no ccxt request case ${method} / ${description}`);
  return new URLSearchParams(found.output);
}

/** How to answer a private method instead of its fixture. */
export interface PrivateOverride extends FixtureOverride {
  /** Close the connection without answering, once the request has been read. */
  disconnect?: boolean;
}

export interface PrivateRequest {
  /** `AddOrder`, `OpenOrders`, … */
  method: string;
  params: URLSearchParams;
  nonce: number;
  /** When the whole request had arrived (server clock). */
  atMs: number;
  /** What the server made of the credentials and the nonce; only `accepted` requests reach a method. */
  verdict: 'accepted' | 'invalid-key' | 'invalid-signature' | 'invalid-nonce';
}

export interface KrakenPrivateServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`: Kraken's `https://api.kraken.com`. */
  url: string;
  /** Every private request received, in order of arrival. */
  requests: PrivateRequest[];
  /** Paths of the public requests received. */
  publicRequests: string[];
  override(method: string, response: PrivateOverride): void;
  /** Drops every override and the recorded requests (the last nonce stays, as at Kraken). */
  reset(): void;
  close(): Promise<void>;
}

/**
 * A local stand-in for Kraken's REST API on 127.0.0.1: public paths answer with the recorded
 * public responses (`krakenFixtureBodies`), private methods (POST `/0/private/<Method>`) check
 * what Kraken checks before anything else: the `API-Key`, the `API-Sign` (HMAC-SHA512 of
 * path + SHA-256(nonce + body) with the decoded secret) and a nonce above the last accepted
 * one for the key (`EAPI:Invalid nonce` otherwise), then answer with recorded responses.
 * `OpenOrders` and `ClosedOrders` honour `cl_ord_id` and `ofs` (pages of 50), `QueryOrders`
 * `txid` (`EOrder:Invalid order` when it has none of them).
 */
export async function startKrakenPrivateServer(
  opts: { apiKey?: string; apiSecret?: string; bodies?: Record<string, string> } = {},
): Promise<KrakenPrivateServer> {
  const apiKey = opts.apiKey ?? TEST_API_KEY;
  const secret = opts.apiSecret ?? TEST_API_SECRET;
  const bodies = opts.bodies ?? krakenPrivateFixtureBodies();
  const publicBodies = krakenFixtureBodies();
  const requests: PrivateRequest[] = [];
  const publicRequests: string[] = [];
  const overrides = new Map<string, PrivateOverride>();
  const timers = new Set<NodeJS.Timeout>();
  let lastNonce = 0;

  const send = (res: ServerResponse, status: number, body: string, override?: PrivateOverride): void =>
    sendFixture(res, status, body, override, timers);
  const error = (code: string) => JSON.stringify({ error: [code] });

  const answerPrivate = (req: IncomingMessage, res: ServerResponse, path: string, raw: string): void => {
    const method = path.slice('/0/private/'.length);
    const isJson = (req.headers['content-type'] ?? '').includes('application/json');
    const params = isJson ? new URLSearchParams(JSON.parse(raw) as Record<string, string>) : new URLSearchParams(raw);
    const nonce = Number(params.get('nonce'));
    const record: PrivateRequest = { method, params, nonce, atMs: Date.now(), verdict: 'accepted' };
    requests.push(record);

    if (req.headers['api-key'] !== apiKey) {
      record.verdict = 'invalid-key';
      return send(res, 200, error('EAPI:Invalid key'));
    }
    if (!signatureMatches(path, params.get('nonce') ?? '', raw, secret, String(req.headers['api-sign'] ?? ''))) {
      record.verdict = 'invalid-signature';
      return send(res, 200, error('EAPI:Invalid signature'));
    }
    if (!Number.isSafeInteger(nonce) || nonce <= lastNonce) {
      record.verdict = 'invalid-nonce';
      return send(res, 200, error('EAPI:Invalid nonce'));
    }
    lastNonce = nonce;

    const override = takeOverride(overrides, method);
    if (override?.disconnect) {
      req.socket.destroy();
      return;
    }
    if (override?.body !== undefined) {
      return send(
        res,
        override.status ?? 200,
        typeof override.body === 'string' ? override.body : JSON.stringify(override.body),
        override,
      );
    }
    const fixture = bodies[method];
    if (fixture === undefined) return send(res, override?.status ?? 200, error('EGeneral:Unknown method'), override);
    send(res, override?.status ?? 200, answerFromFixture(method, fixture, params), override);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fixture');
    if (req.method === 'GET' && url.pathname.startsWith('/0/public/')) {
      publicRequests.push(url.pathname);
      const body = publicBodies[url.pathname];
      return send(res, body === undefined ? 404 : 200, body ?? error('EGeneral:Unknown method'));
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || !url.pathname.startsWith('/0/private/'))
        return send(res, 404, error('EGeneral:Unknown method'));
      answerPrivate(req, res, url.pathname, Buffer.concat(chunks).toString('utf8'));
    });
  });
  const listener = await listenLocal(server, timers);

  return {
    url: listener.url,
    requests,
    publicRequests,
    override: (method, response) => void overrides.set(method, { ...response }),
    reset() {
      overrides.clear();
      requests.length = 0;
      publicRequests.length = 0;
    },
    close: () => listener.close(),
  };
}

/** The fixture's answer narrowed by the request's filters, as Kraken would. */
function answerFromFixture(method: string, fixture: string, params: URLSearchParams): string {
  const body = JSON.parse(fixture) as { error: string[]; result: Record<string, unknown> };
  if (method === 'QueryOrders') {
    const wanted = (params.get('txid') ?? '').split(',');
    const found = Object.fromEntries(Object.entries(body.result).filter(([txid]) => wanted.includes(txid)));
    return Object.keys(found).length === 0
      ? JSON.stringify({ error: ['EOrder:Invalid order'] })
      : JSON.stringify({ error: [], result: found });
  }
  if (method === 'OpenOrders' || method === 'ClosedOrders') {
    const key = method === 'OpenOrders' ? 'open' : 'closed';
    const clOrdId = params.get('cl_ord_id');
    const all = Object.entries(body.result[key] as Record<string, { cl_ord_id?: unknown }>).filter(
      ([, o]) => clOrdId === null || o.cl_ord_id === clOrdId,
    );
    if (key === 'open') return JSON.stringify({ error: [], result: { open: Object.fromEntries(all) } });
    const ofs = Number(params.get('ofs') ?? 0);
    return JSON.stringify({
      error: [],
      result: { closed: Object.fromEntries(all.slice(ofs, ofs + 50)), count: all.length },
    });
  }
  return fixture;
}
