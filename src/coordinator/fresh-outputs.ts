import type { CoordinatorConfig } from '../config/sections/coordinator-config.ts';
import { AgentView } from './agent-view.ts';
import { isFresh } from './is-fresh.ts';

/** The outputs of a view that count for one signal: same symbol, within their freshness windows. */
export type FreshOutputs = Omit<AgentView, 'symbol'>;

/**
 * The only way the coordinator's rules read agent outputs, so that no rule can mix symbols or
 * use stale data:
 *
 * - a view of another symbol than `symbol` gives no output at all (it is ignored, not an error:
 *   the caller looked up the wrong key, and a wrong-symbol opinion must never count);
 * - each output older than its window (`freshness.ta`, `.regime`, `.sentiment`) is dropped;
 *   exactly at the window's edge it still counts (see `isFresh`).
 *
 * @throws ZodError when `view` does not match `AgentView` (a caller's bug, not data to ignore).
 */
export function freshOutputs(
  view: AgentView,
  symbol: string,
  freshness: CoordinatorConfig['freshnessMs'],
  nowMs: number,
): FreshOutputs {
  const parsed = AgentView.parse(view);
  if (parsed.symbol !== symbol) return {};
  const fresh: FreshOutputs = {};
  if (parsed.ta && isFresh(parsed.ta.tsMs, freshness.ta, nowMs)) fresh.ta = parsed.ta;
  if (parsed.regime && isFresh(parsed.regime.tsMs, freshness.regime, nowMs)) fresh.regime = parsed.regime;
  if (parsed.sentiment && isFresh(parsed.sentiment.tsMs, freshness.sentiment, nowMs))
    fresh.sentiment = parsed.sentiment;
  return fresh;
}
