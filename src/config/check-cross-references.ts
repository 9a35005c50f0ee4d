import { isStrategyRef } from './fields/panel-member-config.ts';
import type { ModelRefConfig } from './fields/model-ref-config.ts';
import type { z } from 'zod';
import { RULES_PROVIDER } from './sections/llm-config.ts';
import type { AppConfigShape } from './app-config.ts';

type Config = z.output<typeof AppConfigShape>;
type Path = (string | number)[];

/**
 * Rules that span sections. Each reports at the path an operator has to edit, and says what
 * the other end of the rule is.
 */
export function checkCrossReferences(config: Config, ctx: z.RefinementCtx): void {
  const report = (path: Path, message: string) => ctx.addIssue({ code: 'custom', path, message });
  checkModelReferences(config, report);
  checkTradingMode(config, report);
  checkSymbols(config, report);
  checkFreshness(config, report);
}

type Report = (path: Path, message: string) => void;

/** Every value the rules above read. */
const INPUTS: readonly Path[] = [
  ['app', 'mode'],
  ['symbols'],
  ['schedules'],
  ['marketData', 'source'],
  ['marketData', 'historyCandles'],
  ['marketData', 'replay', 'files'],
  ['agents', 'ta', 'minCandles'],
  ['agents', 'sentiment'],
  ['agents', 'decision', 'panel'],
  ['llm', 'providers'],
  ['coordinator', 'freshnessMs'],
  ['coordinator', 'resolver'],
  ['execution', 'exchange'],
  ['execution', 'kraken'],
  ['execution', 'margin'],
  ['portfolio', 'targets'],
];

/**
 * Whether the rules can run: zod would skip them after any type error anywhere, hiding
 * cross-section violations behind an unrelated typo; they only need their own inputs valid.
 * An unknown key changes no value, so it does not count.
 */
export function crossReferenceInputsValid(payload: z.core.ParsePayload): boolean {
  const overlaps = (a: readonly PropertyKey[], b: readonly PropertyKey[]) =>
    a.slice(0, b.length).every((segment, i) => segment === b[i]) ||
    b.slice(0, a.length).every((segment, i) => segment === a[i]);
  return !payload.issues.some(
    (issue) => issue.code !== 'unrecognized_keys' && INPUTS.some((input) => overlaps(issue.path ?? [], input)),
  );
}

function checkModelReferences(config: Config, report: Report): void {
  const providers = Object.keys(config.llm.providers);
  const known = `one of ${[RULES_PROVIDER, ...providers].join('|')}`;
  const refs: [Path, { provider: string; model: string }][] = [
    ...config.agents.decision.panel.flatMap((ref, i): [Path, ModelRefConfig][] =>
      isStrategyRef(ref) ? [] : [[['agents', 'decision', 'panel', i], ref]],
    ),
    ...config.agents.sentiment.models.map((ref, i): [Path, typeof ref] => [['agents', 'sentiment', 'models', i], ref]),
  ];
  for (const [path, ref] of refs) {
    if (ref.provider === RULES_PROVIDER) {
      if (ref.model !== RULES_PROVIDER)
        report(
          [...path, 'model'],
          `the built-in provider "${RULES_PROVIDER}" has only the model "${RULES_PROVIDER}", got ${ref.model}`,
        );
    } else if (!providers.includes(ref.provider)) {
      report(
        [...path, 'provider'],
        `unknown provider ${ref.provider} (expected ${known}; define it under llm.providers)`,
      );
    }
  }
  if (config.agents.sentiment.enabled && config.agents.sentiment.models.length === 0) {
    report(['agents', 'sentiment', 'models'], 'at least one model is required when agents.sentiment.enabled is true');
  }
  const { primary, fallback } = config.coordinator.resolver;
  for (const [key, name] of [
    ['primary', primary],
    ['fallback', fallback],
  ] as const) {
    if (name !== null && !providers.includes(name)) {
      report(['coordinator', 'resolver', key], `unknown provider ${name} (expected one of ${providers.join('|')})`);
    }
  }
}

function checkTradingMode(config: Config, report: Report): void {
  const { mode } = config.app;
  const { exchange, kraken } = config.execution;
  if (mode === 'live' && exchange !== 'kraken') {
    report(['execution', 'exchange'], `app.mode is live, so the exchange must be kraken, got ${exchange}`);
  }
  if (mode === 'paper' && exchange !== 'paper') {
    report(
      ['execution', 'exchange'],
      `app.mode is paper, so the exchange must be paper, got ${exchange} (set app.mode: live to trade on Kraken)`,
    );
  }
  if (exchange === 'kraken') {
    if (kraken.apiKey === '')
      report(['execution', 'kraken', 'apiKey'], 'required when execution.exchange is kraken (set KRAKEN_API_KEY)');
    if (kraken.apiSecret === '')
      report(
        ['execution', 'kraken', 'apiSecret'],
        'required when execution.exchange is kraken (set KRAKEN_API_SECRET)',
      );
  }
  // Kraken offers margin to Intermediate and Pro clients only ("Client eligibility for margin
  // trading services", support.kraken.com/hc/en-us/articles/4402532394260).
  if (config.execution.margin && exchange === 'kraken' && kraken.tier === 'starter') {
    report(
      ['execution', 'margin'],
      'Kraken offers margin only to Intermediate and Pro verified clients, and execution.kraken.tier is starter (set margin: false, or the tier the account has)',
    );
  }
}

function checkSymbols(config: Config, report: Report): void {
  const { pairs, cashAsset } = config.symbols;
  // Balances, valuations, order sizes and P&L are all counted in the cash asset: a pair quoted
  // in anything else has no price in it ("no price for BTC/USD" on every portfolio tick).
  for (const [i, pair] of pairs.entries()) {
    const [base, quote] = pair.split('/');
    if (quote !== undefined && quote !== cashAsset) {
      report(
        ['symbols', 'pairs', i],
        `${pair} is quoted in ${quote}, but symbols.cashAsset is ${cashAsset}; every pair must be quoted in the cash asset (set cashAsset: ${quote}, or trade ${base}/${cashAsset})`,
      );
    }
  }
  const assets = new Set([cashAsset, ...pairs.map((pair) => pair.split('/')[0])]);
  for (const asset of Object.keys(config.portfolio.targets)) {
    if (!assets.has(asset)) {
      report(
        ['portfolio', 'targets', asset],
        `${asset} is neither symbols.cashAsset nor the base of a pair in symbols.pairs (${pairs.join(', ')})`,
      );
    }
  }
  // A pair without a replay file is replayed from the candle store (`triplegain data import`):
  // whether it holds the bars is the database's to say, when the replay starts.
  const { minCandles } = config.agents.ta;
  if (minCandles > config.marketData.historyCandles) {
    report(
      ['agents', 'ta', 'minCandles'],
      `${minCandles} exceeds marketData.historyCandles (${config.marketData.historyCandles}); TA would never run`,
    );
  }
}

function checkFreshness(config: Config, report: Report): void {
  for (const task of ['ta', 'regime', 'sentiment'] as const) {
    const schedule = config.schedules[task];
    const windowMs = config.coordinator.freshnessMs[task];
    if (schedule.enabled && windowMs < schedule.everyMs) {
      report(
        ['coordinator', 'freshnessMs', task],
        `${windowMs} is shorter than schedules.${task}.everyMs (${schedule.everyMs}); every ${task} output would be stale`,
      );
    }
  }
}
