import { isStrategyRef, type PanelMemberConfig } from '../config/fields/panel-member-config.ts';
import { loadStrategy, type LoadedStrategy } from './load-strategy.ts';

/**
 * Loads every strategy file of `agents.decision.panel`, in panel order, one after the other
 * (a file's top level runs once, in order).
 *
 * @throws TriplegainError `CONFIG_INVALID` for the first file that cannot be loaded, naming
 *   its place in the panel (`agents.decision.panel[1]`).
 */
export async function loadPanelStrategies(
  panel: readonly PanelMemberConfig[],
  rootDir: string,
): Promise<LoadedStrategy[]> {
  const loaded: LoadedStrategy[] = [];
  for (const [i, member] of panel.entries()) {
    if (isStrategyRef(member)) loaded.push(await loadStrategy(member, rootDir, `agents.decision.panel[${i}]`));
  }
  return loaded;
}
