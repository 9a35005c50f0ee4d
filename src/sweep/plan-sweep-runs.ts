import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { ManualClock } from '../clock/clock.ts';
import type { AppConfig } from '../config/app-config.ts';
import { ConfigError } from '../config/config-error.ts';
import { DEFAULT_CONFIG_DIR, loadConfig } from '../config/load-config.ts';
import { checkReplayCoverage } from '../demo/replay-coverage.ts';
import { periodOf } from '../demo/run-demo.ts';
import { storedCandlesOf } from '../demo/stored-candles-of.ts';
import { ReplayFeed } from '../market/replay-feed.ts';
import { timeframeMs } from '../market/timeframes.ts';
import { projectRoot } from '../shared/project-root.ts';
import { describeError, TriplegainError } from '../shared/triplegain-error.ts';
import { loadPanelStrategies } from '../strategies/load-panel-strategies.ts';
import { expandGrid } from './expand-grid.ts';
import { setConfigPath } from './set-config-path.ts';
import type { SweepJobData } from './sweep-job.ts';
import { SweepSpec, type GridValue } from './sweep-spec.ts';
import { describeValues } from './describe-values.ts';

/** `config/local.yaml`, the file every command layers over the defaults when `-c` is not given. */
const LOCAL_CONFIG = join(DEFAULT_CONFIG_DIR, 'local.yaml');

type Period = { fromMs: number; toMs: number };

/**
 * The runs of a sweep file, each checked as a run will load it: the sweep file parsed, the
 * base (the file's `base`, else `configFile`, else `config/local.yaml`) with each point's
 * values set (a list item the base lacks taken from the defaults), every point's config
 * through the schema and its strategy files with their params, and the period against the
 * recordings or the candle store (the demo's own check, once per distinct data the points
 * replay: the grid rarely changes it, and a recording is read whole).
 *
 * @throws TriplegainError `INPUT_INVALID` for a sweep file or base that does not read or parse
 *   (a bad date named as the file's `from:`), `CONFIG_INVALID` for a refused point, named by
 *   its values.
 */
export async function planSweepRuns(options: {
  gridFile: string;
  configFile?: string;
  sweepId: string;
  /** Aborted (Ctrl-C): stops between points. */
  signal?: AbortSignal;
}): Promise<{ spec: SweepSpec; baseFile: string | undefined; jobs: SweepJobData[] }> {
  const spec = await readSpec(options.gridFile);
  let period: Period;
  try {
    period = periodOf(spec);
  } catch (err) {
    const flags = (text: string) => text.replace(/--(from|to|days)\b/g, '$1:');
    throw new TriplegainError(
      'INPUT_INVALID',
      `sweep file ${options.gridFile}: ${flags(err instanceof Error ? err.message : String(err))}`,
    );
  }
  const baseFile =
    spec.base !== undefined
      ? resolve(dirname(options.gridFile), spec.base)
      : (options.configFile ?? (existsSync(LOCAL_CONFIG) ? LOCAL_CONFIG : undefined));
  const base = baseFile === undefined ? {} : await readBase(baseFile);
  const defaults = parseYaml(await readFile(join(DEFAULT_CONFIG_DIR, 'default.yaml'), 'utf8')) as unknown;
  const covered = new Set<string>();
  const jobs: SweepJobData[] = [];
  for (const [index, values] of expandGrid(spec.grid).entries()) {
    if (options.signal?.aborted)
      throw new TriplegainError('INPUT_INVALID', `sweep interrupted while checking its points: nothing was queued`);
    const tree = Object.entries(values).reduce<unknown>(
      (t, [path, value]) => setConfigPath(t, path, value, defaults),
      base,
    );
    const configYaml = stringifyYaml(tree);
    await checkPoint(configYaml, values, period, covered);
    jobs.push({
      sweepId: options.sweepId,
      index,
      configYaml,
      from: spec.from,
      ...(spec.days === undefined ? {} : { days: spec.days }),
      ...(spec.to === undefined ? {} : { to: spec.to }),
      values,
    });
  }
  return { spec, baseFile, jobs };
}

async function readSpec(file: string): Promise<SweepSpec> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new TriplegainError('INPUT_INVALID', `sweep file ${file}: ${describeError(err)}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new TriplegainError('INPUT_INVALID', `sweep file ${file} is not YAML: ${describeError(err)}`);
  }
  const parsed = SweepSpec.safeParse(raw);
  if (!parsed.success)
    throw new TriplegainError(
      'INPUT_INVALID',
      `sweep file ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

async function readBase(file: string): Promise<unknown> {
  try {
    return parseYaml(await readFile(file, 'utf8')) ?? {};
  } catch (err) {
    throw new TriplegainError('INPUT_INVALID', `base config ${file}: ${describeError(err)}`);
  }
}

/**
 * Loads a point's config as a run will (schema, strategy files with their params) and checks
 * its period is recorded, unless a point replaying the same data was checked (`covered`).
 */
async function checkPoint(
  configYaml: string,
  values: Record<string, GridValue>,
  period: Period,
  covered: Set<string>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'triplegain-sweep-check-'));
  try {
    const file = join(dir, 'point.yaml');
    await writeFile(file, configYaml);
    const { config } = loadConfig({ file });
    await loadPanelStrategies(config.agents.decision.panel, projectRoot);
    const data = JSON.stringify([
      config.symbols.pairs,
      config.marketData.timeframe,
      config.marketData.historyCandles,
      config.marketData.replay.files,
      config.database,
    ]);
    if (!covered.has(data)) {
      await checkCoverage(config, period);
      covered.add(data);
    }
  } catch (err) {
    const problem = err instanceof ConfigError || err instanceof TriplegainError ? err.message : describeError(err);
    throw new TriplegainError('CONFIG_INVALID', `the grid point ${describeValues(values)} is refused: ${problem}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The recordings (or the candle store) hold the period, as the demo checks before its first bar. */
async function checkCoverage(config: AppConfig, period: Period): Promise<void> {
  const barMs = timeframeMs(config.marketData.timeframe);
  const startMs = Math.floor(period.fromMs / barMs) * barMs;
  const stored = await storedCandlesOf(config);
  const feed = new ReplayFeed({
    files: config.marketData.replay.files,
    timeframe: config.marketData.timeframe,
    clock: new ManualClock(startMs),
    rootDir: projectRoot,
    stored: async (symbol) => stored.get(symbol) ?? [],
  });
  await checkReplayCoverage(feed, config, { startMs, bars: Math.ceil((period.toMs - startMs) / barMs), barMs });
}
