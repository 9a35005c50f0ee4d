import { Decimal } from '../../model/decimal.ts';
import { readAddOrderParams } from './add-order-params.ts';
import { invalidArgument, KRAKEN_ERRORS } from './kraken-errors.ts';
import { API_KEY_INFO_NAMES, type KrakenPermission } from './kraken-permissions.ts';
import type { Outcome, StandInAccount } from './stand-in-account.ts';
import { krakenOrderEntry, type StandInOrder } from './stand-in-order.ts';
import type { PairDirectory } from './stand-in-pair.ts';

/** What a private method needs besides its parameters. */
export interface PrivateMethodContext {
  account: StandInAccount;
  pairs: PairDirectory;
  apiKey: string;
  permissions: readonly KrakenPermission[];
  /** The nonce of this request (GetApiKeyInfo reports the last one). */
  nonce: number;
}

type Handler = (params: Readonly<Record<string, string>>, ctx: PrivateMethodContext) => Outcome<unknown>;

/** `ClosedOrders` pages 50 orders at a time (ClosedOrders reference: "ofs", "count"). */
export const CLOSED_ORDERS_PAGE = 50;

const ok = <T>(result: T): Outcome<T> => ({ ok: true, result });
const entries = (orders: readonly StandInOrder[]) =>
  Object.fromEntries(orders.map((o) => [o.txid, krakenOrderEntry(o)]));
const seconds = (ms: number) => ms / 1000;

/**
 * The private methods the stand-in answers, each returning Kraken's `result` or its error
 * (docs.kraken.com API reference, e.g. https://docs.kraken.com/api-reference/trading/add-order).
 * Authentication, nonce, the REST counter and permissions are checked before a handler runs.
 */
export const PRIVATE_METHODS: Readonly<Record<string, Handler>> = {
  AddOrder(params, { account }) {
    const read = readAddOrderParams(params);
    return read.ok ? account.addOrder(read.order) : read;
  },

  CancelOrder(params, { account }) {
    const ref = params['txid'] ?? params['cl_ord_id'];
    if (!ref) return { ok: false, error: invalidArgument('txid') };
    return account.cancelOrder(ref);
  },

  CancelAll(_params, { account }) {
    return ok({ count: account.cancelAll() });
  },

  CancelAllOrdersAfter(params, { account }) {
    const timeout = params['timeout'];
    if (timeout === undefined || !/^\d+$/.test(timeout)) return { ok: false, error: invalidArgument('timeout') };
    return ok(account.cancelAllOrdersAfter(Number(timeout)));
  },

  OpenOrders(params, { account }) {
    const clOrdId = params['cl_ord_id'];
    const open = account.openOrders().filter((o) => clOrdId === undefined || o.clOrdId === clOrdId);
    return ok({ open: entries(open) });
  },

  /**
   * Closed and cancelled orders, newest first, 50 at a time
   * (https://docs.kraken.com/api-reference/account-data/get-closed-orders): `start`
   * (exclusive) and `end` (inclusive), seconds or an order's txid (then its open time),
   * compared with the open time, the close time or either (`closetime` open | close | both,
   * default both), `cl_ord_id`, and the page from `ofs`, with `count` the total.
   */
  ClosedOrders(params, { account }) {
    const bound = (value: string | undefined): number | null => {
      if (value === undefined) return null;
      return account.allOrders().find((o) => o.txid === value)?.openedAtMs ?? Number(value) * 1000;
    };
    const start = bound(params['start']);
    const end = bound(params['end']);
    const ofs = Number(params['ofs'] ?? 0);
    if ([start, end, ofs].some((v) => v !== null && !Number.isFinite(v)))
      return { ok: false, error: KRAKEN_ERRORS.invalidArguments };
    const closetime = params['closetime'] ?? 'both';
    const clOrdId = params['cl_ord_id'];
    const times = (o: StandInOrder) =>
      closetime === 'open' ? [o.openedAtMs] : closetime === 'close' ? [o.closedAtMs!] : [o.openedAtMs, o.closedAtMs!];
    const closed = account
      .allOrders()
      .filter((o) => o.status !== 'open' && (clOrdId === undefined || o.clOrdId === clOrdId))
      .filter((o) => times(o).some((t) => (start === null || t > start) && (end === null || t <= end)))
      .reverse();
    return ok({ closed: entries(closed.slice(ofs, ofs + CLOSED_ORDERS_PAGE)), count: closed.length });
  },

  QueryOrders(params, { account }) {
    const wanted = (params['txid'] ?? '').split(',').filter(Boolean);
    const found = account.allOrders().filter((o) => wanted.includes(o.txid));
    if (wanted.length === 0 || found.length === 0) return { ok: false, error: KRAKEN_ERRORS.invalidOrder };
    return ok(entries(found));
  },

  Balance(_params, { account }) {
    return ok(account.balanceSnapshot());
  },

  /** Balance and what open orders hold (`hold_trade`) per asset (BalanceEx reference). */
  BalanceEx(_params, { account }) {
    const held = account.holds();
    const balances = account.balanceSnapshot();
    for (const asset of held.keys()) balances[asset] ??= '0';
    return ok(
      Object.fromEntries(
        Object.entries(balances).map(([asset, balance]) => [
          asset,
          { balance, hold_trade: (held.get(asset) ?? new Decimal(0)).toFixed() },
        ]),
      ),
    );
  },

  /**
   * TradeBalance in ZUSD: `eb` and `tb` the USD balance plus every other spot asset valued at
   * its USD pair's last fed close (assets without one left out), the margin fields from the
   * open positions at their pairs' last closes.
   */
  TradeBalance(_params, { account, pairs }) {
    let equivalent = new Decimal(0);
    for (const [asset, amount] of Object.entries(account.balanceSnapshot())) {
      if (asset === 'ZUSD') equivalent = equivalent.plus(amount);
      const usdPair = pairs.all.find((p) => p.base === asset && p.quote === 'ZUSD');
      const last = usdPair && account.lastPrice(usdPair.id);
      if (last) equivalent = equivalent.plus(new Decimal(amount).times(last));
    }
    let margin = new Decimal(0);
    let cost = new Decimal(0);
    let value = new Decimal(0);
    let unrealised = new Decimal(0);
    for (const p of account.positions().open()) {
      const last = new Decimal(account.lastPrice(p.pairId) ?? p.cost.div(p.volume));
      const now = p.volume.times(last);
      margin = margin.plus(p.margin);
      cost = cost.plus(p.cost);
      value = value.plus(now);
      unrealised = unrealised.plus(p.side === 'buy' ? now.minus(p.cost) : p.cost.minus(now));
    }
    const fixed = (d: Decimal) => d.toFixed(4);
    const equity = equivalent.plus(unrealised);
    return ok({
      eb: fixed(equivalent),
      tb: fixed(equivalent),
      m: fixed(margin),
      n: fixed(unrealised),
      c: fixed(cost),
      v: fixed(value),
      e: fixed(equity),
      mf: fixed(equity.minus(margin)),
      ...(margin.gt(0) ? { ml: fixed(equity.div(margin).times(100)) } : {}),
    });
  },

  /** Margin positions (OpenPositions reference); always empty for a spot-only account. */
  OpenPositions(_params, { account }) {
    return ok(
      Object.fromEntries(
        account
          .positions()
          .open()
          .map((p) => [
            p.posId,
            {
              ordertxid: p.ordertxid,
              posstatus: 'open',
              pair: p.pairId,
              time: seconds(p.openedAtMs),
              type: p.side,
              ordertype: 'market',
              cost: p.cost.toFixed(),
              fee: p.fee.toFixed(),
              vol: p.volume.toFixed(),
              vol_closed: '0',
              margin: p.margin.toFixed(),
              terms: '',
              rollovertm: '0',
              misc: '',
              oflags: '',
            },
          ]),
      ),
    );
  },

  /** The fee schedule of each asked pair at the account's tier (the first step: volume 0). */
  TradeVolume(params, { pairs }) {
    const wanted = (params['pair'] ?? '').split(',').filter(Boolean);
    const found = wanted.map((name) => pairs.find(name));
    if (found.some((p) => p === undefined)) return { ok: false, error: 'EQuery:Unknown asset pair' };
    const schedule = (pct: number) => ({
      fee: pct.toFixed(4),
      minfee: pct.toFixed(4),
      maxfee: pct.toFixed(4),
      nextfee: null,
      nextvolume: null,
      tiervolume: '0.0000',
    });
    return ok({
      currency: 'ZUSD',
      volume: '0.0000',
      ...(found.length === 0
        ? {}
        : {
            fees: Object.fromEntries(found.map((p) => [p!.id, schedule(p!.takerFeePct)])),
            fees_maker: Object.fromEntries(found.map((p) => [p!.id, schedule(p!.makerFeePct)])),
          }),
    });
  },

  /** The key's name and permissions in Kraken's shape (https://docs.kraken.com/api-reference/account-data/get-api-key-info). */
  GetApiKeyInfo(_params, { apiKey, permissions, nonce }) {
    return ok({
      apiKeyName: 'kraken-stand-in',
      apiKey,
      nonce: String(nonce),
      nonceWindow: 0,
      permissions: permissions.map((p) => API_KEY_INFO_NAMES[p]),
      iban: 'AA00 STAN DINK RAKN',
      validUntil: '0',
      queryFrom: '0',
      queryTo: '0',
      createdTime: '0',
      modifiedTime: '0',
      ipAllowlist: [],
      lastUsed: '0',
    });
  },
};
