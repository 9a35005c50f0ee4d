import { Decimal } from '../model/decimal.ts';
import { z } from 'zod';
import { assetCode } from '../config/config-fields.ts';
import {
  Dec,
  NonNegativeStoredDecimal,
  PositiveStoredDecimal,
  toStoredDecimal,
} from '../positions/position-decimal.ts';
import { RebalanceTrade } from './rebalance-trade.ts';

const TARGET_SUM_TOLERANCE_PCT = 0.01;
const PCT_PLACES = 6;

/** What a rebalance is planned from. Amounts are decimal strings; percentages are numbers (5 means 5 %). */
export const RebalanceRequest = z
  .object({
    /** Quantity held per asset, the cash asset included; a targeted asset that is absent holds 0. */
    balances: z.record(assetCode(), NonNegativeStoredDecimal),
    /** Price per unit in the cash asset, for every targeted asset but the cash asset (which is 1). */
    prices: z.record(assetCode(), PositiveStoredDecimal),
    /** Target share of equity per asset, %; must include the cash asset and sum to 100 (± 0.01). */
    targets: z.record(assetCode(), z.number().min(0).max(100)),
    cashAsset: assetCode(),
    /** Rebalance when an asset drifts at least this many percentage points from its (effective) target. */
    thresholdPct: z.number().min(0).max(100),
    /** Trades below this notional (cash asset) are not planned. */
    minTradeUsd: NonNegativeStoredDecimal,
    /** Quantity per asset that is never sold (the cash asset's: never spent). Default none. */
    hodlBags: z.record(assetCode(), NonNegativeStoredDecimal).default({}),
    /** Share of the cash available to buys that is held back for fees (of the sells and of the buys), %. */
    feeBufferPct: z.number().min(0).max(10).default(0.5),
    /** Quantities are cut (towards zero) to this many decimal places: 8 is Kraken's finest lot. */
    quantityPlaces: z.number().int().min(0).max(18).default(8),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (!(r.cashAsset in r.targets))
      ctx.addIssue({ code: 'custom', path: ['targets'], message: `the cash asset ${r.cashAsset} needs a target` });
    for (const asset of Object.keys(r.targets)) {
      if (asset !== r.cashAsset && !Object.hasOwn(r.prices, asset))
        ctx.addIssue({ code: 'custom', path: ['prices', asset], message: `no price for ${asset}` });
    }
    const sum = Object.values(r.targets).reduce((total, t) => total.plus(t), new Dec(0));
    if (sum.minus(100).abs().gt(TARGET_SUM_TOLERANCE_PCT))
      ctx.addIssue({
        code: 'custom',
        path: ['targets'],
        message: `targets sum to ${sum.toFixed()} (allowed 100 ± ${TARGET_SUM_TOLERANCE_PCT})`,
      });
  });
export type RebalanceRequest = z.input<typeof RebalanceRequest>;

/** Where one targeted asset stands. Percentages of equity, rounded to 6 places. */
export const AssetDrift = z
  .object({
    /** Value held (hodl bag included) in the cash asset. */
    valueUsd: NonNegativeStoredDecimal,
    currentPct: z.number(),
    /** The configured target. */
    targetPct: z.number(),
    /** The target the plan aims at: the configured one unless hodl bags pin it (see {@link planRebalance}). */
    effectiveTargetPct: z.number(),
    /** `currentPct − effectiveTargetPct`: positive is overweight. */
    driftPct: z.number(),
  })
  .strict();
export type AssetDrift = z.infer<typeof AssetDrift>;

export const RebalancePlan = z
  .object({
    /** Total value of the targeted assets, hodl bags included, in the cash asset. */
    equityUsd: NonNegativeStoredDecimal,
    drift: z.record(assetCode(), AssetDrift),
    /** Whether some asset drifts at least the threshold from its effective target. */
    needed: z.boolean(),
    /** To run first; empty when not needed. */
    sells: z.array(RebalanceTrade),
    /** To run after the sells, paid from the cash they raise; empty when not needed. */
    buys: z.array(RebalanceTrade),
  })
  .strict();
export type RebalancePlan = z.infer<typeof RebalancePlan>;

interface Holding {
  asset: string;
  price: Decimal;
  held: Decimal;
  /** The part of `held` that may be sold: what exceeds the hodl bag. */
  free: Decimal;
  value: Decimal;
  hodlValue: Decimal;
  target: Decimal;
}

/**
 * The trades that bring the portfolio back to its target allocation. Pure.
 *
 * - Only targeted assets take part: an asset without a target is neither valued nor traded
 *   (give it a target of 0 to sell it). Equity is the value of the targeted assets.
 * - Hodl bags count as held (they are part of equity and of the asset's share) but are never
 *   sold: only `balance − hodl bag` may be. An asset whose hodl bag alone is worth more than
 *   its target is pinned at the hodl bag's value (its free part is sold, nothing more), and
 *   the other assets share the rest of the equity in proportion to their targets; repeated
 *   until no further asset is pinned. These effective targets equal the configured ones when
 *   no hodl bag exceeds its target. A cash hodl bag is cash that is never spent.
 * - Needed when some asset's `|currentPct − effectiveTargetPct| ≥ thresholdPct`; then every
 *   asset is traded back to its effective target, else nothing is planned.
 * - Quantities are cut towards zero to `quantityPlaces`; a trade whose notional is below
 *   `minTradeUsd` (or whose quantity is cut to 0) is dropped.
 * - Sells come first. Buys are paid only from the cash available after the sells:
 *   `(cash − cash hodl bag + Σ sells) × (1 − feeBufferPct / 100)`; when the wanted buys
 *   exceed it, each is scaled down in proportion (cash freed by a buy then dropped for the
 *   minimum is not handed to the others).
 * - Trades are ordered by asset within sells and within buys.
 *
 * @throws ZodError when the request is invalid (missing price, targets not summing to 100, …).
 */
export function planRebalance(request: RebalanceRequest): RebalancePlan {
  const r = RebalanceRequest.parse(request);
  const holdings = Object.keys(r.targets)
    .sort()
    .map((asset): Holding => {
      const price = asset === r.cashAsset ? new Dec(1) : new Dec(r.prices[asset] ?? '0');
      const held = new Dec(r.balances[asset] ?? '0');
      const hodl = Dec.min(held, r.hodlBags[asset] ?? '0');
      return {
        asset,
        price,
        held,
        free: held.minus(hodl),
        value: held.times(price),
        hodlValue: hodl.times(price),
        target: new Dec(r.targets[asset] ?? 0),
      };
    });
  const equity = holdings.reduce((total, h) => total.plus(h.value), new Dec(0));
  const effective = effectiveTargets(holdings, equity);
  const pct = (value: Decimal) => (equity.isZero() ? new Dec(0) : value.div(equity).times(100));

  let needed = false;
  const drift: Record<string, AssetDrift> = {};
  for (const h of holdings) {
    const current = pct(h.value);
    const target = pct(effective.get(h.asset) ?? h.value);
    const off = current.minus(target);
    if (!equity.isZero() && off.abs().gte(r.thresholdPct)) needed = true;
    drift[h.asset] = {
      valueUsd: toStoredDecimal(h.value),
      currentPct: roundPct(current),
      targetPct: r.targets[h.asset] ?? 0,
      effectiveTargetPct: roundPct(target),
      driftPct: roundPct(off),
    };
  }
  const plan = {
    equityUsd: toStoredDecimal(equity),
    drift,
    needed,
    sells: [] as RebalanceTrade[],
    buys: [] as RebalanceTrade[],
  };
  if (!needed) return RebalancePlan.parse(plan);

  const minTrade = new Dec(r.minTradeUsd);
  const trade = (h: Holding, side: 'buy' | 'sell', wantedQuantity: Decimal): RebalanceTrade | null => {
    const quantity = wantedQuantity.toDecimalPlaces(r.quantityPlaces, Decimal.ROUND_DOWN);
    const notional = quantity.times(h.price);
    if (quantity.lte(0) || notional.lt(minTrade) || notional.isZero()) return null;
    return {
      symbol: `${h.asset}/${r.cashAsset}`,
      side,
      quantity: toStoredDecimal(quantity),
      notionalUsd: toStoredDecimal(notional),
    };
  };

  const nonCash = holdings.filter((h) => h.asset !== r.cashAsset);
  for (const h of nonCash) {
    const excess = h.value.minus(effective.get(h.asset) ?? h.value);
    if (excess.lte(0)) continue;
    const sell = trade(h, 'sell', Dec.min(excess.div(h.price), h.free));
    if (sell !== null) plan.sells.push(sell);
  }

  const cash = holdings.find((h) => h.asset === r.cashAsset);
  const raised = plan.sells.reduce((total, s) => total.plus(s.notionalUsd), new Dec(0));
  const available = Dec.max(
    0,
    (cash?.free ?? new Dec(0)).plus(raised).times(new Dec(100).minus(r.feeBufferPct)).div(100),
  );
  const wanted = nonCash
    .map((h) => ({ h, shortfall: (effective.get(h.asset) ?? h.value).minus(h.value) }))
    .filter(({ shortfall }) => shortfall.gt(0));
  const totalWanted = wanted.reduce((total, w) => total.plus(w.shortfall), new Dec(0));
  const scale = totalWanted.gt(available) ? available.div(totalWanted) : new Dec(1);
  for (const { h, shortfall } of wanted) {
    const buy = trade(h, 'buy', shortfall.times(scale).div(h.price));
    if (buy !== null) plan.buys.push(buy);
  }
  return RebalancePlan.parse(plan);
}

/** Target value per asset after pinning hodl bags worth more than their share (see {@link planRebalance}). */
function effectiveTargets(holdings: readonly Holding[], equity: Decimal): Map<string, Decimal> {
  const pinned = new Set<string>();
  for (;;) {
    const open = holdings.filter((h) => !pinned.has(h.asset));
    const remaining = holdings.filter((h) => pinned.has(h.asset)).reduce((rest, h) => rest.minus(h.hodlValue), equity);
    const targetSum = open.reduce((total, h) => total.plus(h.target), new Dec(0));
    const share = (h: Holding) => (targetSum.isZero() ? h.value : remaining.times(h.target).div(targetSum));
    const newlyPinned = open.filter((h) => share(h).lt(h.hodlValue));
    if (newlyPinned.length === 0) {
      // With no target left to share by (every open asset targets 0 and nothing else is open),
      // the open assets keep what they hold: there is nothing to rebalance them towards.
      return new Map(holdings.map((h) => [h.asset, pinned.has(h.asset) ? h.hodlValue : share(h)]));
    }
    for (const h of newlyPinned) pinned.add(h.asset);
  }
}

function roundPct(value: Decimal): number {
  return value.toDecimalPlaces(PCT_PLACES, Decimal.ROUND_HALF_UP).toNumber();
}
