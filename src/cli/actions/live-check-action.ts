import { checkKeysConfigured } from '../../live/check-key-permissions.ts';
import { krakenLiveCheckDeps } from '../../live/kraken-live-check-deps.ts';
import { fail, type LiveCheckLine } from '../../live/live-check-line.ts';
import { renderLiveCheck } from '../../live/render-live-check.ts';
import { runLiveCheck, type LiveCheckDeps } from '../../live/run-live-check.ts';
import { redactSecrets } from '../../shared/redact-secrets.ts';
import { TriplegainError } from '../../shared/triplegain-error.ts';
import { loadConfigOrReport } from '../load-config-or-report.ts';
import { withRuntime } from '../with-runtime.ts';

/** Exit code when a check failed (or the keys are missing). */
export const LIVE_CHECK_FAILED_EXIT_CODE = 1;

export interface LiveCheckActionOptions {
  /** The global `-c/--config` file; undefined for the default layers. */
  configFile: string | undefined;
}

/**
 * The work of `triplegain live check`: without keys, one failed line saying how to set them;
 * with keys, opens Redis (the account lock and nonces every replica shares), runs the checks
 * and prints them (secrets redacted). Sets `process.exitCode` to `LIVE_CHECK_FAILED_EXIT_CODE`
 * on any failed line; throws on an unreachable Redis.
 */
export async function liveCheckAction(options: LiveCheckActionOptions): Promise<void> {
  const loaded = loadConfigOrReport(options.configFile);
  if (!loaded) return;
  const missing = checkKeysConfigured(loaded.config.execution.kraken);
  if (missing) return print([missing]);
  await withRuntime(options.configFile, async (rt) => {
    let deps: LiveCheckDeps;
    try {
      deps = krakenLiveCheckDeps({ config: rt.config, redis: rt.redis, keys: rt.keys, logger: rt.logger });
    } catch (err) {
      // The client refuses credentials it cannot sign with (a secret that is not base64).
      if (!(err instanceof TriplegainError && err.code === 'CONFIG_INVALID')) throw err;
      return print([
        fail(
          'keys',
          err.message,
          'set KRAKEN_API_KEY and KRAKEN_API_SECRET to the key and private key Kraken showed when the key was created',
        ),
      ]);
    }
    print(await runLiveCheck(deps));
  });
}

function print(lines: LiveCheckLine[]): void {
  process.stdout.write(redactSecrets(renderLiveCheck(lines)));
  if (lines.some((line) => line.status === 'FAIL')) process.exitCode = LIVE_CHECK_FAILED_EXIT_CODE;
}
