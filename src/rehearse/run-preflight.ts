import { krakenLiveCheckDeps } from '../live/kraken-live-check-deps.ts';
import { renderLiveCheck } from '../live/render-live-check.ts';
import { runLiveCheck } from '../live/run-live-check.ts';
import type { Runtime } from '../runtime/open-runtime.ts';

/**
 * `live check` as the rehearsal runs it, before the cluster starts: the same checks a user
 * runs before going live, against the stand-in. Passed when no line failed.
 */
export async function runPreflight(rt: Runtime): Promise<{ passed: boolean; lines: string[] }> {
  const lines = await runLiveCheck(
    krakenLiveCheckDeps({ config: rt.config, redis: rt.redis, keys: rt.keys, logger: rt.logger }),
  );
  return {
    passed: !lines.some((line) => line.status === 'FAIL'),
    lines: renderLiveCheck(lines)
      .split('\n')
      .filter((line) => line !== ''),
  };
}
