/** `BTC/USD` → `BTC-USD`: BullMQ ids may not contain `:`, and slashes read badly in keys. */
export function symbolSlug(symbol: string): string {
  return symbol.replace(/[^A-Za-z0-9]+/g, '-');
}
