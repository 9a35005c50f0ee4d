import { z } from 'zod';

/** The Anthropic SDK's table of deprecated model ids: id → end-of-life date, as the SDK words it. */
const DeprecatedModels = z.record(z.string(), z.string());

/** Where the installed `@anthropic-ai/sdk` keeps that table, relative to its entry module. */
const ANTHROPIC_TABLE = './internal/data/deprecated-models.mjs';

/**
 * The model ids the installed SDKs mark deprecated, with their end-of-life: the
 * `DEPRECATED_MODELS` table `@anthropic-ai/sdk` warns from when a message names one of them.
 * The package does not export it, so it is loaded from the installed copy's file: upgrading the
 * SDK updates the list. (The `openai` SDK keeps no such table; OpenAI states shutdown dates in
 * its models endpoint instead.) Undefined when the installed SDK has no such file.
 */
export async function loadSdkDeprecatedModels(): Promise<ReadonlyMap<string, string> | undefined> {
  try {
    const table = new URL(ANTHROPIC_TABLE, import.meta.resolve('@anthropic-ai/sdk'));
    const loaded: unknown = await import(table.href);
    const parsed = z.object({ DEPRECATED_MODELS: DeprecatedModels }).safeParse(loaded);
    return parsed.success ? new Map(Object.entries(parsed.data.DEPRECATED_MODELS)) : undefined;
  } catch {
    // Another SDK layout: the check says it could not read the table.
    return undefined;
  }
}
