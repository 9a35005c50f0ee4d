import { z } from 'zod';

/**
 * The permissions of a Kraken API key, by the names Kraken's key settings show
 * (https://docs.kraken.com/exchange/guides/rest/api-keys).
 */
export const KrakenPermission = z.enum([
  'Query Funds',
  'Deposit Funds',
  'Withdraw Funds',
  'Earn Funds',
  'Query Open Orders & Trades',
  'Query Closed Orders & Trades',
  'Create & Modify Orders',
  'Cancel/Close Orders',
  'Query Ledger Entries',
  'Export Data',
]);
export type KrakenPermission = z.infer<typeof KrakenPermission>;

/** What a trading bot's key holds: funds and orders, no funding. */
export const TRADING_PERMISSIONS: readonly KrakenPermission[] = [
  'Query Funds',
  'Query Open Orders & Trades',
  'Query Closed Orders & Trades',
  'Create & Modify Orders',
  'Cancel/Close Orders',
];

/**
 * `GetApiKeyInfo`'s names of the permissions. `query-funds`, `withdraw-funds`,
 * `query-open-trades` and `modify-trades` are in Kraken's example answer
 * (https://docs.kraken.com/api-reference/account-data/get-api-key-info); the others follow the
 * same pattern from the key settings' `funds_add`, `funds_earn`, `trades_query_closed`,
 * `trades_close`, `ledger_query` and `export_data`.
 */
export const API_KEY_INFO_NAMES: Readonly<Record<KrakenPermission, string>> = {
  'Query Funds': 'query-funds',
  'Deposit Funds': 'deposit-funds',
  'Withdraw Funds': 'withdraw-funds',
  'Earn Funds': 'earn-funds',
  'Query Open Orders & Trades': 'query-open-trades',
  'Query Closed Orders & Trades': 'query-closed-trades',
  'Create & Modify Orders': 'modify-trades',
  'Cancel/Close Orders': 'close-trades',
  'Query Ledger Entries': 'query-ledger',
  'Export Data': 'export-data',
};

/**
 * Which permission admits each private method the stand-in answers; any one of a list will do
 * (the API key page, and "API Key Permissions Required" of each method's reference page, e.g.
 * CancelAllOrdersAfter: "Create & modify orders" or "Cancel & close orders"). An empty list:
 * any valid key (GetApiKeyInfo: "None").
 */
export const METHOD_PERMISSIONS: Readonly<Record<string, readonly KrakenPermission[]>> = {
  Balance: ['Query Funds'],
  BalanceEx: ['Query Funds'],
  TradeBalance: ['Query Funds'],
  TradeVolume: ['Query Funds'],
  OpenOrders: ['Query Open Orders & Trades'],
  OpenPositions: ['Query Open Orders & Trades'],
  ClosedOrders: ['Query Closed Orders & Trades'],
  QueryOrders: ['Query Open Orders & Trades', 'Query Closed Orders & Trades'],
  AddOrder: ['Create & Modify Orders'],
  CancelOrder: ['Cancel/Close Orders'],
  CancelAll: ['Cancel/Close Orders'],
  CancelAllOrdersAfter: ['Create & Modify Orders', 'Cancel/Close Orders'],
  GetApiKeyInfo: [],
};

/** Whether a key with `granted` may call `method` (false for a method the stand-in does not know). */
export function isPermitted(method: string, granted: readonly KrakenPermission[]): boolean {
  const needed = METHOD_PERMISSIONS[method];
  if (needed === undefined) return false;
  return needed.length === 0 || needed.some((p) => granted.includes(p));
}
