import { setTimeout as sleep } from 'node:timers/promises';
import { Decimal } from '../model/decimal.ts';
import type { FaultKind } from './kraken-stand-in/fault-plan.ts';
import { KRAKEN_TIER_LIMITS } from '../kraken/kraken-rate-limiter.ts';
import { startKrakenStandIn, type KrakenStandIn, type RequestSeen } from './kraken-stand-in/start-kraken-stand-in.ts';
import type { PlannedRehearsalFault } from './plan-rehearsal-faults.ts';
import type { RehearsalFaultKind } from './rehearsal-fault-kind.ts';
import type { RehearsalFaultOutcome } from './rehearsal-summary.ts';

/**
 * Wall time a position may go without a resting stop before it counts as unprotected: the
 * live path learns a fill and rests the stop within it (a follow-up of the order, then the
 * stop's AddOrder), and after an outage reconciliation re-places every stop within it.
 */
export const REHEARSAL_STOP_GRACE_MS = 20_000;
/** Wall time a fault waits for a request of its method before it is dropped as not landed. */
const LANDING_LIMIT_MS = 30_000;
/** The stand-in's account at the start: cash only, as a new Kraken account. */
const STARTING_BALANCES = { ZUSD: '10000' };

const STAND_IN_FAULT: Readonly<Record<Exclude<RehearsalFaultKind, 'dead_man_switch_outage'>, FaultKind>> = {
  add_order_timeout: 'timeoutAfterAccept',
  server_error: 'serverError',
  dropped_connection: 'dropConnection',
  nonce_error: 'invalidNonce',
};

/** What the rehearsal reads from the stand-in at the end. */
export interface StandInReport {
  /** Orders placed (validate-only requests place none). */
  orders: number;
  /** Refusals by Kraken's error text, the injected nonce errors' own answers left out. */
  refusals: Record<string, number>;
  /** The same refusals one line each: `<HH:MM:SS> <method> <request>: <error>` and what the stand-in saw, where it says. */
  refusedRequests: string[];
  rateLimitErrors: number;
  /** Authenticated private requests by method. */
  requests: Record<string, number>;
  /** What they added to the account's API counter (refused ones add nothing), its highest value, the tier's maximum and decay. */
  apiCounter: { units: number; peak: number; max: number; decayPerSec: number };
  /** Decimal string, 2 decimals, rounded up. */
  unprotectedMinutes: string;
  /** Each gap that counted: `<pair> from <HH:MM:SS> for <s> s (<s> s counted)`. */
  unprotectedGaps: string[];
}

/** The Kraken stand-in as the rehearsal drives it: faults from the plan, and its report. */
export interface RehearsalStandIn extends Pick<KrakenStandIn, 'url' | 'applyBar' | 'close'> {
  /** Carries out one planned fault; resolves once it landed (or was dropped) and any outage is over. */
  inject(fault: PlannedRehearsalFault, signal: AbortSignal): Promise<RehearsalFaultOutcome>;
  report(opts: { graceMs: number }): StandInReport;
  /** Every authenticated private request, a line each: `<ISO time> <method> counter <n>` (the API counter after it). */
  requestLog(): string[];
}

/** Starts the stand-in with a trading key (no funding rights), a starter-tier spot account and USD only. */
export async function rehearsalStandIn(credentials: { apiKey: string; apiSecret: string }): Promise<RehearsalStandIn> {
  const standIn = await startKrakenStandIn({ ...credentials, balances: STARTING_BALANCES });
  let nonceFaultsLanded = 0;
  return {
    url: standIn.url,
    applyBar: (symbol, bar) => standIn.applyBar(symbol, bar),
    close: () => standIn.close(),
    requestLog: () =>
      standIn.requestLog().map((r) => `${new Date(r.atMs).toISOString()} ${r.method} counter ${r.counter.toFixed(2)}`),
    async inject(fault, signal) {
      if (fault.kind === 'dead_man_switch_outage') {
        standIn.setOutage(true);
        standIn.fireDeadManSwitch();
        await sleep(fault.outageMs, undefined, { signal }).finally(() => standIn.setOutage(false));
        return {
          kind: fault.kind,
          detail: `Kraken unreachable ${(fault.outageMs / 1000).toFixed(1)} s, every open order canceled`,
          landed: true,
        };
      }
      const method = fault.method!;
      standIn.faults.inject(method, STAND_IN_FAULT[fault.kind]);
      const started = Date.now();
      while (standIn.faults.pending(method) > 0 && Date.now() - started < LANDING_LIMIT_MS)
        await sleep(50, undefined, { signal });
      const landed = standIn.faults.pending(method) === 0;
      if (!landed) standIn.faults.clear();
      if (landed && fault.kind === 'nonce_error') nonceFaultsLanded += 1;
      return { kind: fault.kind, detail: method, landed };
    },
    report({ graceMs }) {
      const refusals: Record<string, number> = {};
      const refusedRequests: string[] = [];
      let nonceAnswersLeft = nonceFaultsLanded;
      for (const refusal of standIn.refusals()) {
        if (refusal.error === 'EAPI:Invalid nonce' && nonceAnswersLeft > 0) {
          nonceAnswersLeft -= 1;
          continue;
        }
        refusals[refusal.error] = (refusals[refusal.error] ?? 0) + 1;
        const seen = refusal.detail === undefined ? '' : ` (${refusal.detail})`;
        refusedRequests.push(
          `${new Date(refusal.atMs).toISOString().slice(11, 19)} ${refusal.method} ${refusal.request}: ${refusal.error}${seen}`,
        );
      }
      const limits = standIn.rateLimitErrors();
      const gaps = standIn.protectionGaps({ graceMs });
      return {
        orders: standIn.orders().length,
        refusals,
        refusedRequests,
        rateLimitErrors: limits.api + limits.trading,
        requests: standIn.requestCounts(),
        apiCounter: apiCounterUse(standIn.requestLog()),
        // Rounded up: any uncovered time at all shows (and fails the rehearsal).
        unprotectedMinutes: Decimal.sum(0, ...Object.values(gaps.byPairMs))
          .div(60_000)
          .toDecimalPlaces(2, Decimal.ROUND_UP)
          .toFixed(),
        unprotectedGaps: gaps.counted.map((g) => {
          const lasted = g.endMs === null ? 'still open' : `${((g.endMs - g.startMs) / 1_000).toFixed(1)} s`;
          return `${g.pair} from ${new Date(g.startMs).toISOString().slice(11, 19)} for ${lasted} (${(g.countedMs / 1_000).toFixed(1)} s past the grace, outages left out)`;
        }),
      };
    },
  };
}

/** The API counter units the requests spent, the highest the counter went, and the starter tier's limits the stand-in enforces. */
function apiCounterUse(log: readonly RequestSeen[]): StandInReport['apiCounter'] {
  const { maxCounter, decayPerSec } = KRAKEN_TIER_LIMITS.starter;
  return {
    units: log.reduce((n, r) => n + r.cost, 0),
    peak: Math.max(0, ...log.map((r) => r.counter)),
    max: maxCounter,
    decayPerSec,
  };
}
