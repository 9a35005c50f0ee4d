import { isStrategyRef, type PanelMemberConfig } from '../config/fields/panel-member-config.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import { loadStrategy, type LoadedStrategy } from './load-strategy.ts';

/**
 * Loads every strategy file of `agents.decision.panel`, in panel order, one after the other
 * (a file's top level runs once, in order).
 *
 * @throws TriplegainError `CONFIG_INVALID` for the first file that cannot be loaded, naming
 *   its place in the panel (`agents.decision.panel[1]`), or for two strategies of one name.
 */
export async function loadPanelStrategies(
  panel: readonly PanelMemberConfig[],
  rootDir: string,
): Promise<LoadedStrategy[]> {
  const loaded: { at: number; strategy: LoadedStrategy }[] = [];
  for (const [at, member] of panel.entries()) {
    if (!isStrategyRef(member)) continue;
    const strategy = await loadStrategy(member, rootDir, `agents.decision.panel[${at}]`);
    // Votes, abstentions and llm_calls name a strategy by its name: two alike could not be told apart.
    const twin = loaded.find((l) => l.strategy.model === strategy.model);
    if (twin)
      throw new TriplegainError(
        'CONFIG_INVALID',
        `agents.decision.panel[${at}]: strategy ${member.strategy} is named ${strategy.model}, as agents.decision.panel[${twin.at}] is: give one another name (a factory can name itself after its params, as strategies/trend-follower.ts does)`,
        { path: `agents.decision.panel[${at}]`, file: member.strategy },
      );
    loaded.push({ at, strategy });
  }
  return loaded.map((l) => l.strategy);
}
