import { openStatusSources } from '../../status/open-status-sources.ts';
import { readStatus } from '../../status/read-status.ts';
import { renderStatus } from '../../status/render-status.ts';
import { loadConfigOrReport } from '../load-config-or-report.ts';

export interface StatusActionOptions {
  /** The global `-c/--config` file; undefined for the default layers. */
  configFile: string | undefined;
  /** Print the status document as JSON instead of text. */
  json?: boolean;
}

/**
 * The work of `triplegain status`: reads the status document (`readStatus`) from Redis and
 * PostgreSQL at once and prints it for people, or as JSON. When a source is unavailable the
 * rest is still printed, the missing part is said (in JSON: `{ available: false, error }`),
 * each unavailable source gets an `error:` line on stderr, and the exit code is 1.
 */
export async function statusAction(options: StatusActionOptions): Promise<void> {
  const loaded = loadConfigOrReport(options.configFile);
  if (!loaded) return;
  const { config } = loaded;
  const sources = await openStatusSources(config);
  try {
    const doc = await readStatus({
      redis: sources.redis,
      database: sources.database,
      account: config.execution.exchange,
      timeframe: config.marketData.timeframe,
      nowMs: Date.now(),
      timeoutMs: config.app.connectTimeoutMs,
    });
    process.stdout.write(options.json ? `${JSON.stringify(doc, null, 2)}\n` : renderStatus(doc));
    for (const part of [doc.redis, doc.database]) {
      if (!part.available) console.error(`error: ${part.error}`);
    }
    if (!doc.complete) process.exitCode = 1;
  } finally {
    await sources.close();
  }
}
