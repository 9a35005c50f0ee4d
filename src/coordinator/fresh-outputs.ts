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
 * - each output older than its window (`freshness.<agent>`: `ta`, `regime`, `sentiment`) is
 *   dropped;
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
  const { symbol: viewSymbol, ...outputs } = AgentView.parse(view);
  if (viewSymbol !== symbol) return {};
  const fresh: FreshOutputs = {};
  for (const agent of Object.keys(outputs) as (keyof FreshOutputs)[]) {
    const output = outputs[agent];
    // Each agent of the view has its own window: a view entry without one does not compile.
    if (output !== undefined && isFresh(output.tsMs, freshness[agent], nowMs))
      Object.assign(fresh, { [agent]: output });
  }
  return fresh;
}
