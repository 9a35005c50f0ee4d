import type { Topic } from '../../bus/topics.ts';
import { withRuntime } from '../with-runtime.ts';

export interface DlqReplayActionOptions {
  /** The global `-c/--config` file; undefined for the default layers. */
  configFile: string | undefined;
  topic: Topic;
  /** Only these dead-letter entries; all when undefined. */
  ids?: string[];
}

/**
 * The work of `triplegain bus dlq replay`: puts the dead letters back on their topic and prints
 * how many, and each one skipped with its reason; exit code 1 when any was skipped.
 */
export async function dlqReplayAction(options: DlqReplayActionOptions): Promise<void> {
  await withRuntime(options.configFile, async (rt) => {
    const result = await rt.bus.replayDeadLetters(options.topic, { ids: options.ids });
    console.log(`replayed ${result.replayed.length} dead letter(s) onto ${options.topic}`);
    for (const s of result.skipped) console.log(`skipped ${s.dlqId}: ${s.reason}`);
    if (result.skipped.length > 0) process.exitCode = 1;
  });
}
