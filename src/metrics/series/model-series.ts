import { Decimal } from '../../model/decimal.ts';
import type { Registry } from 'prom-client';
import type { MetricsScrape } from '../metrics-sources.ts';
import type { ModelUsage } from '../sources/model-usage.ts';
import { counterOf, type Sample } from './series-of.ts';

/** Tokens and cost of each provider's model, over every outcome. */
function byModel(
  rows: ModelUsage[],
): { provider: string; model: string; inputTokens: number; outputTokens: number; costUsd: Decimal }[] {
  const totals = new Map<
    string,
    { provider: string; model: string; inputTokens: number; outputTokens: number; costUsd: Decimal }
  >();
  for (const r of rows) {
    const key = `${r.provider}\n${r.model}`;
    const t = totals.get(key) ?? {
      provider: r.provider,
      model: r.model,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: new Decimal(0),
    };
    t.inputTokens += r.inputTokens;
    t.outputTokens += r.outputTokens;
    t.costUsd = t.costUsd.plus(r.costUsd);
    totals.set(key, t);
  }
  return [...totals.values()];
}

/** Model calls by outcome, and tokens and cost by model, from `llm_calls`. */
export function registerModelSeries(registry: Registry, scrape: MetricsScrape): void {
  const usage = () => scrape.get('model_calls');
  counterOf(
    registry,
    {
      name: 'triplegain_model_calls_total',
      help: 'Model calls by provider, model and outcome (ok, repaired, invalid, timeout, http_error, rate_limited, budget_exhausted, cached).',
      labelNames: ['provider', 'model', 'outcome'],
    },
    usage,
    (rows) => rows.map((r): Sample => [{ provider: r.provider, model: r.model, outcome: r.outcome }, r.calls]),
  );
  counterOf(
    registry,
    {
      name: 'triplegain_model_tokens_total',
      help: 'Tokens sent to (input) and received from (output) each model.',
      labelNames: ['provider', 'model', 'direction'],
    },
    usage,
    (rows) =>
      byModel(rows).flatMap((t): Sample[] => [
        [{ provider: t.provider, model: t.model, direction: 'input' }, t.inputTokens],
        [{ provider: t.provider, model: t.model, direction: 'output' }, t.outputTokens],
      ]),
  );
  counterOf(
    registry,
    {
      name: 'triplegain_model_cost_usd_total',
      help: 'What the calls to each model cost, in USD at the configured prices.',
      labelNames: ['provider', 'model'],
    },
    usage,
    (rows) => byModel(rows).map((t): Sample => [{ provider: t.provider, model: t.model }, t.costUsd.toNumber()]),
  );
}
