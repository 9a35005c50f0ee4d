/**
 * The error strings the Kraken stand-in answers with, Kraken's own words. Unless marked
 * otherwise they are listed on docs.kraken.com, "Spot Error Messages"
 * (https://docs.kraken.com/exchange/guides/general/errors), in the AddOrder reference
 * (https://docs.kraken.com/api-reference/trading/add-order) or on "Spot Trading Limits"
 * (https://docs.kraken.com/exchange/guides/general/ratelimits). Precision and minimum
 * refusals come from `instrumentRefusal` (src/market/instrument-rules.ts), an unknown pair
 * from `UNKNOWN_ASSET_PAIR` (src/exchange/paper/placement-refusal.ts).
 */
export const KRAKEN_ERRORS = {
  invalidKey: 'EAPI:Invalid key',
  invalidSignature: 'EAPI:Invalid signature',
  invalidNonce: 'EAPI:Invalid nonce',
  /** The account's REST counter is full. */
  apiRateLimit: 'EAPI:Rate limit exceeded',
  permissionDenied: 'EGeneral:Permission denied',
  invalidArguments: 'EGeneral:Invalid arguments',
  unknownMethod: 'EGeneral:Unknown method',
  /** The pair's trading (matching-engine) counter is full. */
  tradingRateLimit: 'EOrder:Rate limit exceeded',
  /** "Number of open orders in a given pair is exceeded". */
  ordersLimit: 'EOrder:Orders limit exceeded',
  insufficientFunds: 'EOrder:Insufficient funds',
  /** "User/tier is ineligible for margin trading": a leveraged order on an account without margin. */
  cannotOpenPosition: 'EOrder:Cannot open position',
  /**
   * A leverage the pair does not list in `leverage_buy` / `leverage_sell`. Kraken's error page
   * does not list this text; it is the answer accounts report from the live API.
   */
  invalidLeverage: 'EOrder:Invalid leverage',
  /** A reduce-only order without an open position to reduce. */
  reduceOnlyNoPosition: 'EOrder:Reduce only:No position exists',
  /** The order arrived after its `deadline`. */
  deadlineElapsed: 'EService:Deadline elapsed',
  /**
   * A `cl_ord_id` already carried by an open order of the account (Kraken checks uniqueness
   * among open orders: https://docs.kraken.com/exchange/guides/general/clordid). The error
   * page lists no dedicated text; `EGeneral:Invalid arguments:cl_ord_id` names the field in
   * Kraken's `<category>:<message>:<field>` form.
   */
  duplicateClOrdId: 'EGeneral:Invalid arguments:cl_ord_id',
  unknownOrder: 'EOrder:Unknown order',
  invalidOrder: 'EOrder:Invalid order',
  /**
   * The stand-in's own answer to a market order before the first bar (it has no market of its
   * own): "the matching engine is offline" is what a market order without a market means.
   */
  unavailable: 'EService:Unavailable',
} as const;

/** `EGeneral:Invalid arguments:<field>`, Kraken's form for a bad or missing field. */
export function invalidArgument(field: string): string {
  return `${KRAKEN_ERRORS.invalidArguments}:${field}`;
}
