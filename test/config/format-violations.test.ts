import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppConfig } from '../../src/config/app-config.ts';
import { formatViolations } from '../../src/config/format-violations.ts';

/** Violations of `input` against `schema` (AppConfig unless given). */
function violationsOf(input: unknown, schema: z.ZodType = AppConfig) {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return [];
  return formatViolations(result.error.issues, schema).map((v) => `${v.path}: ${v.message}`);
}

describe('formatViolations', () => {
  it('reports an unknown key and an out-of-range leverage together, with the allowed range', () => {
    expect(violationsOf({ risk: { maxLeverage: 50, foo: 1 } })).toEqual([
      'risk.maxLeverage: 50 is out of range (allowed 1 to 5)',
      'risk.foo: unknown key',
    ]);
  });

  it('names both bounds for a value below the range as well', () => {
    expect(violationsOf({ risk: { maxLeverage: 0.5 } })).toEqual([
      'risk.maxLeverage: 0.5 is out of range (allowed 1 to 5)',
    ]);
  });

  it('states one-sided and exclusive bounds', () => {
    const schema = z
      .object({ atLeast: z.number().min(1), atMost: z.number().max(3), share: z.number().gt(0).max(1) })
      .strict();
    expect(violationsOf({ atLeast: 0, atMost: 4, share: 0 }, schema)).toEqual([
      'atLeast: 0 is out of range (allowed at least 1)',
      'atMost: 4 is out of range (allowed at most 3)',
      'share: 0 is out of range (allowed above 0 and at most 1)',
    ]);
  });

  it('names what is wrong with a panel member as the form it comes closest to', () => {
    const panel = (member: unknown) => violationsOf({ agents: { decision: { panel: [member] } } });

    expect(panel({ stratgy: 'strategies/rules.ts' })).toEqual([
      'agents.decision.panel[0].strategy: required (expected string)',
      'agents.decision.panel[0].stratgy: unknown key (did you mean strategy?)',
    ]);
    expect(panel({ strategy: 'strategies/rules.ts', params: [1, 2] })).toEqual([
      'agents.decision.panel[0].params: expected record, got array',
    ]);
    expect(panel({ strategy: 'strategies/rules.ts', provider: 'rules', model: 'rules' })).toEqual([
      'agents.decision.panel[0].provider: a key of another form of this entry, not allowed with strategy',
      'agents.decision.panel[0].model: a key of another form of this entry, not allowed with strategy',
    ]);
    // A model's entry has no params (a sweep setting panel.0.params.fast on a model).
    expect(panel({ provider: 'rules', model: 'rules', params: { fast: 5 } })).toEqual([
      'agents.decision.panel[0].params: a key of another form of this entry, not allowed with provider, model',
    ]);
    expect(panel({ provider: 'rules', model: 'rules', weight: 99 })).toEqual([
      'agents.decision.panel[0].weight: 99 is out of range (allowed 0.01 to 10)',
    ]);
  });

  it('reports one violation per unknown key, at every depth, and suggests a near key', () => {
    expect(violationsOf({ bogus: 1, risk: { stopLoss: { maxDistance: 3, other: true } } })).toEqual([
      'risk.stopLoss.maxDistance: unknown key (did you mean maxDistancePct?)',
      'risk.stopLoss.other: unknown key',
      'bogus: unknown key',
    ]);
  });

  it('lists the options of an enum and the value given', () => {
    expect(violationsOf({ execution: { kraken: { tier: 'gold' } } })).toEqual([
      'execution.kraken.tier: expected one of starter|intermediate|pro, got gold',
    ]);
  });

  it('lists the kinds of a provider when the kind is unknown', () => {
    expect(violationsOf({ llm: { providers: { local: { kind: 'grpc', model: 'm' } } } })).toEqual([
      'llm.providers.local.kind: expected one of openai-compatible|anthropic, got grpc',
    ]);
  });

  it('states the expected type and the type given', () => {
    expect(violationsOf({ dashboard: { port: 'abc' }, risk: { stopLoss: { required: 'yes' } } })).toEqual([
      'risk.stopLoss.required: expected boolean, got string',
      'dashboard.port: expected number, got string',
    ]);
  });

  it('states the allowed number of items of a list', () => {
    expect(violationsOf({ symbols: { pairs: [] } })).toEqual([
      'symbols.pairs: 0 items is out of range (allowed 1 to 50 items)',
    ]);
  });

  it('states the allowed length of a string', () => {
    expect(violationsOf({ dashboard: { user: '' } })).toEqual([
      'dashboard.user: must not be empty (allowed at least 1 character)',
    ]);
    expect(violationsOf({ redis: { keyPrefix: 'k'.repeat(65) } })).toEqual([
      'redis.keyPrefix: 65 characters is out of range (allowed at most 64 characters)',
    ]);
  });

  it('reports a decimal amount out of its range', () => {
    expect(violationsOf({ risk: { maxOrderNotionalUsd: '20000000' } })).toEqual([
      'risk.maxOrderNotionalUsd: "20000000" is out of range (allowed 1 to 10000000)',
    ]);
    expect(violationsOf({ risk: { minOrderUsd: '50', maxOrderNotionalUsd: '20' } })).toEqual([
      'risk.minOrderUsd: "50" must not exceed maxOrderNotionalUsd ("20")',
    ]);
  });

  it('refuses a float where an amount of money must be a decimal string', () => {
    expect(violationsOf({ execution: { paper: { startingCashUsd: 10000 } } })).toEqual([
      'execution.paper.startingCashUsd: expected string, got number',
    ]);
  });

  it('reports portfolio targets that do not sum to 100 at the targets path', () => {
    expect(violationsOf({ portfolio: { targets: { BTC: 50, XRP: 30, USD: 10 } } })).toEqual([
      'portfolio.targets: targets sum to 90 (allowed 100 ± 0.01)',
    ]);
  });

  it('reports a malformed pair with the expected form', () => {
    expect(violationsOf({ symbols: { pairs: ['BTC/USD', 'btc-usd'] } })).toEqual([
      'symbols.pairs[1]: expected a pair such as BTC/USD, got btc-usd',
    ]);
  });

  it('refuses a pair listed twice', () => {
    expect(violationsOf({ symbols: { pairs: ['BTC/USD', 'XRP/USD', 'BTC/USD'] } })).toEqual([
      'symbols.pairs[2]: duplicate pair BTC/USD',
    ]);
  });

  it('refuses a pair quoted in another asset than the cash asset, and takes it with that cash asset', () => {
    const usdt = { symbols: { pairs: ['BTC/USDT'] }, portfolio: { targets: { BTC: 50, USD: 50 } } };
    expect(violationsOf(usdt)).toEqual([
      'symbols.pairs[0]: BTC/USDT is quoted in USDT, but symbols.cashAsset is USD; every pair must be quoted in the cash asset (set cashAsset: USDT, or trade BTC/USD)',
    ]);
    expect(
      violationsOf({
        symbols: { pairs: ['BTC/USDT'], cashAsset: 'USDT' },
        portfolio: { targets: { BTC: 50, USDT: 50 } },
      }),
    ).toEqual([]);
  });

  it('refuses a target naming an asset of no configured pair, at its path', () => {
    expect(violationsOf({ portfolio: { targets: { BTC: 40, XRP: 10, ETH: 10, USD: 40 } } })).toEqual([
      'portfolio.targets.ETH: ETH is neither symbols.cashAsset nor the base of a pair in symbols.pairs (BTC/USD, XRP/USD)',
    ]);
  });

  it('checks rules across sections even when another section has a type error', () => {
    expect(violationsOf({ app: { mode: 'live' }, dashboard: { port: 'abc' } })).toEqual([
      'dashboard.port: expected number, got string',
      'execution.exchange: app.mode is live, so the exchange must be kraken, got paper',
    ]);
  });

  it('requires Kraken credentials for the kraken exchange', () => {
    expect(violationsOf({ app: { mode: 'live' }, execution: { exchange: 'kraken' } })).toEqual([
      'execution.kraken.apiKey: required when execution.exchange is kraken (set KRAKEN_API_KEY)',
      'execution.kraken.apiSecret: required when execution.exchange is kraken (set KRAKEN_API_SECRET)',
    ]);
  });

  it('refuses margin for a Starter account, which Kraken offers none, and accepts it for Intermediate', () => {
    const live = {
      app: { mode: 'live' },
      execution: { exchange: 'kraken', margin: true, kraken: { apiKey: 'k', apiSecret: 's2VjcmV0' } },
    };
    expect(violationsOf(live)).toEqual([
      'execution.margin: Kraken offers margin only to Intermediate and Pro verified clients, and execution.kraken.tier is starter (set margin: false, or the tier the account has)',
    ]);
    expect(
      violationsOf({
        ...live,
        execution: { ...live.execution, kraken: { ...live.execution.kraken, tier: 'intermediate' } },
      }),
    ).toEqual([]);
  });

  it('trades spot by default: execution.margin is false', () => {
    expect(AppConfig.parse({}).execution.margin).toBe(false);
  });

  it('refuses a panel model from an undefined provider', () => {
    expect(violationsOf({ agents: { decision: { panel: [{ provider: 'mistral', model: 'm' }] } } })).toEqual([
      'agents.decision.panel[0].provider: unknown provider mistral (expected one of rules|deepseek|anthropic|openai|ollama; define it under llm.providers)',
    ]);
  });

  it('never shows the value of a secret', () => {
    const schema = z.object({ apiKey: z.enum(['a', 'b']), token: z.string().regex(/^x/) }).strict();
    const messages = violationsOf({ apiKey: 'sk-live-123456', token: 'tok-987654' }, schema).join('\n');
    expect(messages).toContain('apiKey: expected one of a|b, got ***');
    expect(messages).not.toContain('sk-live-123456');
    expect(messages).not.toContain('tok-987654');
  });
});
