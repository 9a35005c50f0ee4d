import { performance } from 'node:perf_hooks';
import type { ModelRefConfig } from '../config/fields/model-ref-config.ts';
import { isStrategyRef } from '../config/fields/panel-member-config.ts';
import type { AgentsConfig } from '../config/sections/agents-config.ts';
import { RULES_PROVIDER } from '../config/sections/llm-config.ts';
import type { Logger } from '../shared/logger.ts';
import { describeError } from '../shared/triplegain-error.ts';
import { combineVotes, type WeightedVote } from './combine-votes.ts';
import { DecisionContext } from './decision-context.ts';
import { buildDecisionPrompt } from './decision-prompt.ts';
import type { ModelGateway } from '../llm/model-gateway.ts';
import type { PanelDecision } from './panel-decision.ts';
import { protectiveLevels, type ProtectiveLevels } from './protective-levels.ts';
import { decideByRules, type RulesModelConfig } from './rules-model.ts';
import { askStrategy } from './ask-strategy.ts';
import type { LoadedStrategy } from '../strategies/load-strategy.ts';
import type { StrategyFacts } from '../strategies/load-strategy-facts.ts';
import { createTradeDecisionSchema, type TradeDecision } from './trade-decision.ts';

export interface ModelPanelOptions {
  gateway: ModelGateway;
  logger: Logger;
  /** `agents.decision`: the panel, the per-model timeout and the agreement needed. */
  decision: AgentsConfig['decision'];
  /** `llm.rules`: the rules model, and the ATR multiples of every entry's protective levels. */
  rules: RulesModelConfig;
  /** `risk.maxLeverage`: no vote may ask for more. */
  maxLeverage: number;
  /** The panel's strategy files, loaded (`loadPanelStrategies`), in the order they appear in the panel. */
  strategies?: readonly LoadedStrategy[];
}

/** What the panel's worker passes along with a context. */
export interface DecideOptions {
  correlationId?: string | null;
  /** Aborts every model still thinking (they abstain as `timeout`). */
  signal?: AbortSignal;
  /** Ask only the first model of the panel (degraded operation: secondary models are dropped). */
  primaryOnly?: boolean;
  /** What the panel's strategies are asked with beyond the context (`loadStrategyFacts`); needed when `strategyLookback` > 0. */
  facts?: StrategyFacts;
}

/**
 * A member's answer. `levels` are the protective levels a strategy named for its entry; the
 * models' are never used (numbers come from code).
 */
export type Ballot =
  | { vote: WeightedVote; decision: TradeDecision; levels?: ProtectiveLevels }
  | { abstention: { model: string; reason: string } };

type Voter = { ref: ModelRefConfig } | { strategy: LoadedStrategy };

/** Purpose of the panel's calls in `llm_calls`. */
const PURPOSE = 'decision';

/**
 * The trading-decision panel: every configured model is asked in parallel, each within
 * `agents.decision.perModelTimeoutMs`; every reply is validated against the `TradeDecision`
 * schema. A model that fails, times out or answers invalidly (after the gateway's one repair)
 * ABSTAINS: an abstention is listed with its reason and never counted as a HOLD. The votes are
 * combined by confidence-weighted agreement (`combineVotes`).
 *
 * Numbers come from code, not from model text: a BUY or SELL enters at the context price
 * with stop-loss and take-profit `llm.rules.stopLossAtr` / `takeProfitAtr` ATRs away (an entry
 * whose levels cannot be placed becomes HOLD); the size is the confidence-weighted mean of the
 * agreeing votes' sizes and the leverage the lowest of theirs, at most `risk.maxLeverage`.
 */
export class ModelPanel {
  private readonly schema: ReturnType<typeof createTradeDecisionSchema>;
  private readonly voters: readonly Voter[];

  constructor(private readonly opts: ModelPanelOptions) {
    this.schema = createTradeDecisionSchema(opts.maxLeverage);
    const strategies = [...(opts.strategies ?? [])];
    const wanted = opts.decision.panel.filter(isStrategyRef).length;
    if (strategies.length !== wanted)
      throw new Error(`the panel names ${wanted} strategies but ${strategies.length} were loaded`);
    this.voters = opts.decision.panel.map((member) =>
      isStrategyRef(member) ? { strategy: strategies.shift()! } : { ref: member },
    );
  }

  /** Bars the panel's strategies need in `DecideOptions.facts` (the most any asks); 0 without strategies. */
  get strategyLookback(): number {
    return Math.max(0, ...this.voters.map((v) => ('strategy' in v ? v.strategy.lookback : 0)));
  }

  async decide(context: DecisionContext, decide: DecideOptions = {}): Promise<PanelDecision> {
    const parsed = DecisionContext.parse(context);
    const voters = decide.primaryOnly ? this.voters.slice(0, 1) : this.voters;
    const ballots = await Promise.all(
      voters.map((voter) =>
        'ref' in voter
          ? this.ask(voter.ref, parsed, decide)
          : askStrategy(voter.strategy, parsed, decide, {
              gateway: this.opts.gateway,
              logger: this.opts.logger,
              rules: this.opts.rules,
              timeoutMs: this.opts.decision.perModelTimeoutMs,
              purpose: PURPOSE,
            }),
      ),
    );

    const votes: WeightedVote[] = [];
    const abstentions: { model: string; reason: string }[] = [];
    const reasons: { model: string; reasoning: string }[] = [];
    const decisions = new Map<WeightedVote, TradeDecision>();
    const namedLevels = new Map<WeightedVote, ProtectiveLevels>();
    for (const ballot of ballots) {
      if ('abstention' in ballot) {
        abstentions.push(ballot.abstention);
        continue;
      }
      votes.push(ballot.vote);
      decisions.set(ballot.vote, ballot.decision);
      if (ballot.levels) namedLevels.set(ballot.vote, ballot.levels);
      reasons.push({ model: ballot.vote.model, reasoning: ballot.decision.reasoning });
    }

    const tally = combineVotes(votes, { minAgreement: this.opts.decision.minAgreement });
    const common = {
      confidence: tally.confidence,
      agreement: tally.agreement,
      votes: votes.map(({ model, action, confidence }) => ({ model, action, confidence })),
      abstentions,
      reasons,
    };
    const standAside = (action: 'HOLD' | 'CLOSE', confidence = tally.confidence): PanelDecision => ({
      ...common,
      action,
      confidence,
      entryPrice: null,
      stopLoss: null,
      takeProfit: null,
      sizePct: 0,
      leverage: 1,
    });

    let result: PanelDecision;
    if (tally.action === 'BUY' || tally.action === 'SELL') {
      // A strategy's own levels when a winning strategy named them (the most weighty one's),
      // else the ATR multiples every model's entry gets.
      const named = tally.winners
        .filter((vote) => namedLevels.has(vote))
        .sort((a, b) => b.weight * b.confidence - a.weight * a.confidence)[0];
      const levels =
        named === undefined
          ? protectiveLevels(tally.action, parsed.price, parsed.ta.atr, this.opts.rules)
          : namedLevels.get(named)!;
      if (levels === null) {
        result = standAside('HOLD', 0);
      } else {
        const winners = tally.winners.map((vote) => ({ vote, decision: decisions.get(vote)! }));
        const weights = winners.map(({ vote }) => vote.weight * vote.confidence);
        const weightSum = weights.reduce((a, b) => a + b, 0);
        const sizePct = weights.reduce((sum, w, i) => sum + w * winners[i]!.decision.sizePct, 0) / weightSum;
        const leverage = Math.min(this.opts.maxLeverage, ...winners.map(({ decision }) => decision.leverage));
        result = {
          ...common,
          action: tally.action,
          entryPrice: parsed.price,
          stopLoss: levels.stopLoss,
          takeProfit: levels.takeProfit,
          sizePct: Math.min(100, Math.round(sizePct * 100) / 100),
          leverage: Math.max(1, leverage),
        };
      }
    } else {
      result = standAside(tally.action);
    }

    this.opts.logger.info(
      {
        symbol: parsed.symbol,
        correlationId: decide.correlationId,
        action: result.action,
        confidence: result.confidence,
        agreement: result.agreement,
        votes: result.votes,
        abstentions: result.abstentions,
      },
      'panel decided',
    );
    return result;
  }

  private async ask(ref: ModelRefConfig, context: DecisionContext, decide: DecideOptions): Promise<Ballot> {
    const model = ref.provider === RULES_PROVIDER ? RULES_PROVIDER : `${ref.provider}/${ref.model}`;
    if (ref.provider === RULES_PROVIDER) return this.askRules(model, ref.weight, context, decide);

    const answer = await this.opts.gateway.ask({
      models: [{ provider: ref.provider, model: ref.model }],
      schema: this.schema,
      prompt: buildDecisionPrompt(context, { maxLeverage: this.opts.maxLeverage }),
      purpose: PURPOSE,
      correlationId: decide.correlationId,
      timeoutMs: this.opts.decision.perModelTimeoutMs,
      signal: decide.signal,
    });
    if (!answer.ok) return { abstention: { model, reason: answer.failures[0]?.reason ?? answer.reason } };
    const decision = answer.value;
    return { vote: { model, action: decision.action, confidence: decision.confidence, weight: ref.weight }, decision };
  }

  private async askRules(
    model: string,
    weight: number,
    context: DecisionContext,
    decide: DecideOptions,
  ): Promise<Ballot> {
    const startedMs = performance.now();
    const parsed = this.schema.safeParse(decideByRules(context, this.opts.rules));
    const latencyMs = Math.round(performance.now() - startedMs);
    const error = parsed.success
      ? undefined
      : `invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
    try {
      await this.opts.gateway.recordBuiltInCall({
        purpose: PURPOSE,
        correlationId: decide.correlationId,
        outcome: parsed.success ? 'ok' : 'invalid',
        latencyMs,
        ...(error ? { error } : {}),
      });
    } catch (err) {
      // The vote does not depend on the record; a database outage is reported by whoever needs it.
      this.opts.logger.warn({ err: describeError(err) }, 'rules model call not recorded');
    }
    if (!parsed.success) return { abstention: { model, reason: error! } };
    return {
      vote: { model, action: parsed.data.action, confidence: parsed.data.confidence, weight },
      decision: parsed.data,
    };
  }
}
