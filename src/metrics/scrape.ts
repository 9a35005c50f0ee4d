import { runWithTimeout } from '../shared/run-with-timeout.ts';

/** Loads one source's numbers; takes a signal that fires when its time is up. */
export type SourceLoader = (signal: AbortSignal) => Promise<unknown>;

/** How one source fared in a scrape. */
export interface SourceOutcome {
  source: string;
  up: boolean;
  seconds: number;
  /** Why it is down (secrets redacted by the caller's describe); absent when up. */
  error?: string;
}

type Settled<T> = { ok: true; value: T; seconds: number } | { ok: false; error: unknown; seconds: number };

/**
 * One scrape of `/metrics`: each source is loaded at most once, when a series first asks for
 * it, and given `timeoutMs` of wall time. A source that fails or runs out of time yields
 * `undefined` (its series are left out and `outcomes` says it is down); nothing here throws,
 * so one source down never takes the others with it.
 */
export class Scrape<L extends Record<string, SourceLoader>> {
  private readonly settled = new Map<keyof L, Promise<Settled<unknown>>>();

  constructor(
    private readonly loaders: L,
    private readonly timeoutMs: number,
  ) {}

  /** The source's numbers, or undefined when it is down. */
  async get<K extends keyof L>(source: K): Promise<Awaited<ReturnType<L[K]>> | undefined> {
    const result = await this.load(source);
    return result.ok ? (result.value as Awaited<ReturnType<L[K]>>) : undefined;
  }

  /** Loads every source (those already loaded are not loaded again) and says how each fared. */
  async outcomes(describe: (err: unknown) => string): Promise<SourceOutcome[]> {
    const names = Object.keys(this.loaders) as (keyof L & string)[];
    const results = await Promise.all(names.map((name) => this.load(name)));
    return names.map((source, i) => {
      const r = results[i]!;
      return r.ok
        ? { source, up: true, seconds: r.seconds }
        : { source, up: false, seconds: r.seconds, error: describe(r.error) };
    });
  }

  private load(source: keyof L): Promise<Settled<unknown>> {
    let settled = this.settled.get(source);
    if (!settled) {
      settled = this.run(this.loaders[source]!);
      this.settled.set(source, settled);
    }
    return settled;
  }

  private async run(loader: SourceLoader): Promise<Settled<unknown>> {
    const started = performance.now();
    try {
      // A loader that ignores the signal is abandoned, not awaited: the scrape answers on time.
      const value = await runWithTimeout(this.timeoutMs, loader);
      return { ok: true, value, seconds: (performance.now() - started) / 1_000 };
    } catch (error) {
      return { ok: false, error, seconds: (performance.now() - started) / 1_000 };
    }
  }
}
