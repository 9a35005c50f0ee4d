import { HarnessInterrupted, type HarnessName } from './harness-interrupted.ts';

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * While a run (`chaos`, `rehearse`, `demo`) is under way, SIGINT and SIGTERM no longer end this
 * process on the spot (which would leave its cluster, its redis-server, its database and its
 * files behind): the first one aborts `controller` with a `HarnessInterrupted`, so that the run stops waiting,
 * releases what it started and throws. Later ones are ignored (`npm run` forwards the Ctrl-C
 * the terminal already sent), with one line saying so.
 *
 * @param harness names the run in what is said.
 * @param source where the signals arrive (`process`; a test passes an emitter).
 * @returns a function that removes the listeners (the default behaviour is back).
 */
export function listenForInterrupts(
  controller: AbortController,
  say: (line: string) => void,
  harness: HarnessName,
  source: Pick<NodeJS.EventEmitter, 'on' | 'removeListener'> = process,
): () => void {
  let repeated = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      say(`${harness}: ${signal}: stopping the cluster and releasing what the run started`);
      controller.abort(new HarnessInterrupted(signal, harness));
    } else if (!repeated) {
      repeated = true;
      say(`${harness}: ${signal} again: still stopping, wait for it`);
    }
  };
  for (const signal of SIGNALS) source.on(signal, onSignal);
  return () => {
    for (const signal of SIGNALS) source.removeListener(signal, onSignal);
  };
}
