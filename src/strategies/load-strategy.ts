import { stat } from 'node:fs/promises';
import { basename, extname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import type { StrategyRefConfig } from '../config/fields/strategy-ref-config.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import type { Strategy, StrategyInput } from './strategy.ts';
import type { StrategyVote } from './strategy-vote.ts';
import { whereInFile } from './where-in-file.ts';

/** How a strategy is named among the panel's voters: `strategy:<name>`. */
export const STRATEGY_MODEL_PREFIX = 'strategy:';

/** Bars a strategy gets when it does not say (`Strategy.lookback`). */
export const DEFAULT_LOOKBACK = 100;
const MAX_LOOKBACK = 2_000;

/** A strategy file, loaded and made: what the panel asks. */
export interface LoadedStrategy {
  /** `strategy:<name>`: its name in votes, abstentions and `llm_calls`. */
  model: string;
  /** The file as configured. */
  file: string;
  /** The file's absolute path. */
  path: string;
  lookback: number;
  params: Readonly<Record<string, unknown>>;
  weight: number;
  decide(input: StrategyInput): StrategyVote | Promise<StrategyVote>;
}

/**
 * Loads a strategy file named in config: imports it (TypeScript through tsx, so a user needs
 * no build step), takes its default export, calls it with `params` when it is a function, and
 * checks the result is a `Strategy`. Every failure names the file and the config path and
 * says what is wrong (a syntax error with its line), so a bad file stops the start before
 * anything is traded.
 *
 * @param rootDir what a relative path is resolved against: the project's root.
 * @throws TriplegainError `CONFIG_INVALID` when the file is missing, does not compile or
 *   run, has no usable default export, or its factory refuses the params.
 */
export async function loadStrategy(ref: StrategyRefConfig, rootDir: string, where: string): Promise<LoadedStrategy> {
  const path = isAbsolute(ref.strategy) ? ref.strategy : resolve(rootDir, ref.strategy);
  const fail = (problem: string, cause?: unknown): never => {
    throw new TriplegainError(
      'CONFIG_INVALID',
      `${where}: strategy ${ref.strategy} ${problem}`,
      { path: where, file: ref.strategy },
      cause === undefined ? undefined : { cause },
    );
  };
  const file = await stat(path).catch(() => null);
  if (!file?.isFile()) fail(`not found: there is no file ${path}`);

  // Stack frames of the file at its TypeScript lines (tsx emits inline source maps): an error
  // names the line the author wrote.
  process.setSourceMapsEnabled(true);
  let exported: unknown;
  try {
    const module = (await tsImport(pathToFileURL(path).href, import.meta.url)) as { default?: unknown };
    exported = module.default;
    // A file outside an ES-module package is compiled as CommonJS: what comes back as the
    // default is its whole namespace, marked as converted, with the real default inside.
    if (isObject(exported) && exported.__esModule === true) exported = exported.default;
  } catch (err) {
    fail(`cannot be loaded: ${firstLines(err)}${whereInFile(err, path, ref.strategy)}`, err);
  }
  if (exported === undefined)
    fail('has no default export (export default a Strategy, or a function of params making one)');

  let made: unknown = exported;
  // A class is a function too, but calling it without `new` throws a TypeError that reads as
  // a refusal of the params.
  if (typeof exported === 'function' && /^class\b/.test(Function.prototype.toString.call(exported)))
    fail(
      `exports the class ${exported.name || '(anonymous)'} as its default: export an instance (export default new ${exported.name || 'MyStrategy'}()) or a function of params returning one`,
    );
  if (typeof exported === 'function') {
    try {
      made = (exported as (params: Readonly<Record<string, unknown>>) => unknown)(Object.freeze({ ...ref.params }));
    } catch (err) {
      fail(
        `refused its params ${JSON.stringify(ref.params)}: ${firstLines(err)}${whereInFile(err, path, ref.strategy)}`,
        err,
      );
    }
  }
  if (made instanceof Promise) {
    made.catch(() => undefined);
    fail('made its Strategy asynchronously (the function of params returned a Promise): return the Strategy itself');
  }
  const strategy = made as Partial<Strategy> | null;
  if (typeof strategy !== 'object' || strategy === null || typeof strategy.decide !== 'function')
    fail(
      'does not export a Strategy: its default export must be an object with a decide(input) function, or a function of params returning one',
    );
  const { name, lookback = DEFAULT_LOOKBACK } = strategy!;
  if (name !== undefined && (typeof name !== 'string' || !/^[\w.-]{1,64}$/.test(name)))
    fail(`has name ${JSON.stringify(name)}: expected 1–64 letters, digits, '_', '.' or '-'`);
  if (!Number.isInteger(lookback) || lookback < 1 || lookback > MAX_LOOKBACK)
    fail(`has lookback ${JSON.stringify(lookback)}: expected a whole number of bars from 1 to ${MAX_LOOKBACK}`);
  const decide = strategy!.decide!.bind(strategy);
  return {
    model: `${STRATEGY_MODEL_PREFIX}${name ?? basename(path, extname(path))}`,
    file: ref.strategy,
    path,
    lookback,
    params: Object.freeze({ ...ref.params }),
    weight: ref.weight,
    decide,
  };
}

/** An error's message, at most its first five lines (a compiler error names the line and column). */
function firstLines(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n').slice(0, 5).join('\n').trim();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
