import { Decimal } from '../model/decimal.ts';
import { rehearsalFaultKinds, type RehearsalFaultKind } from './rehearsal-fault-kind.ts';

/** What one injected fault came to. */
export interface RehearsalFaultOutcome {
  kind: RehearsalFaultKind;
  /** What was done (which request, how long an outage). */
  detail: string;
  /** Whether the stand-in saw the fault land (a request it applied to); false: no request came in time. */
  landed: boolean;
}

/** Everything a rehearsal found. */
export interface RehearsalResult {
  seed: number;
  /** The preflight (`live check`) against the stand-in, line by line, and whether it passed. */
  preflight: { passed: boolean; lines: readonly string[] };
  /** Orders the stand-in placed (validate-only requests not counted). */
  orders: number;
  /** Requests Kraken refused, by its error text (an injected fault's own answer not included). */
  refusals: Readonly<Record<string, number>>;
  /** The same refusals one line each (when, the method, what was asked, the error). */
  refusedRequests: readonly string[];
  /** `EAPI:Rate limit exceeded` and `EOrder:Rate limit exceeded` answers. */
  rateLimitErrors: number;
  /** Private requests the stand-in received, by method, and the wall time they came in. */
  requests: { byMethod: Readonly<Record<string, number>>; wallMs: number };
  /** The API counter units those requests added (AddOrder and CancelOrder add none), the counter's highest value and Kraken's maximum for the tier. */
  apiCounter: { units: number; peak: number; max: number; decayPerSec: number };
  /** Position-minutes without a resting stop, past the grace a new position gets, outages excluded (decimal string). */
  unprotectedMinutes: string;
  /** The gaps behind `unprotectedMinutes`, one line each. */
  unprotectedGaps: readonly string[];
  faults: readonly RehearsalFaultOutcome[];
  unplannedExits: readonly string[];
  audit: { violations: number; invariantsChecked: number };
}

export interface RehearsalSummary {
  lines: string[];
  /** Why the rehearsal failed; empty when it passed. */
  failures: string[];
}

/**
 * Refusals that mean the live path sent what Kraken's rules refuse (precision, minimums, funds,
 * leverage, margin, limits): any one of them fails the rehearsal. Other refusals (an unknown
 * order on a cancel that raced a fill) are reported, not failed on.
 */
const RULE_REFUSALS = [
  'EOrder:Invalid price',
  'EGeneral:Invalid arguments',
  'EOrder:Order minimum not met',
  'EOrder:Cost minimum not met',
  'EOrder:Insufficient funds',
  'EOrder:Insufficient margin',
  'EOrder:Margin allowance exceeded',
  'EOrder:Orders limit exceeded',
  'EOrder:Positions limit exceeded',
  'EOrder:Invalid leverage',
  'EGeneral:Permission denied',
  'EOrder:Deadline elapsed',
  'EOrder:Duplicate order',
];

/** Whether a refusal text is one of Kraken's rule refusals. */
export function isRuleRefusal(error: string): boolean {
  return RULE_REFUSALS.some((prefix) => error.startsWith(prefix));
}

/**
 * The rehearsal as text: the preflight's failing lines, one line per fault kind, the refusals by
 * reason, then
 * `rehearse: <orders> orders, <refused> refused by the exchange (<by reason>), <rate> rate-limit errors, <unprotected> position-minutes without a stop, audit <v> violations`.
 * It fails on a failed preflight, no order placed, any rule refusal, any rate-limit error, any
 * unprotected position-minute, an unplanned exit or an audit violation.
 */
export function summarizeRehearsal(result: RehearsalResult): RehearsalSummary {
  const lines: string[] = [];
  lines.push(`preflight: ${result.preflight.passed ? 'passed' : 'FAILED'}`);
  if (!result.preflight.passed) for (const line of result.preflight.lines) lines.push(`  ${line}`);
  for (const kind of rehearsalFaultKinds) {
    const of = result.faults.filter((f) => f.kind === kind);
    lines.push(
      of.length === 0
        ? `${kind}: not run`
        : `${kind}: ${of.length}× (${of.filter((f) => f.landed).length} landed) · ${of.map((f) => f.detail).join('; ')}`,
    );
  }
  for (const exit of result.unplannedExits) lines.push(`unplanned exit: ${exit}`);
  for (const gap of result.unprotectedGaps) lines.push(`without a stop: ${gap}`);
  for (const refused of result.refusedRequests) lines.push(`refused: ${refused}`);
  const methods = Object.entries(result.requests.byMethod).sort(([, a], [, b]) => b - a);
  const total = methods.reduce((n, [, count]) => n + count, 0);
  const perMinute = result.requests.wallMs > 0 ? ((total * 60_000) / result.requests.wallMs).toFixed(1) : '–';
  lines.push(
    `private requests: ${total} (${perMinute} a minute): ${methods.map(([method, count]) => `${method} ${count}`).join(', ') || 'none'}`,
  );
  const { units, peak, max, decayPerSec } = result.apiCounter;
  const unitsPerMinute = result.requests.wallMs > 0 ? ((units * 60_000) / result.requests.wallMs).toFixed(1) : '–';
  lines.push(
    `API counter: ${units} units (${unitsPerMinute} a minute, it decays ${(decayPerSec * 60).toFixed(0)}), highest ${peak.toFixed(1)} of ${max}`,
  );
  if (result.requests.wallMs > 0 && (units * 60_000) / result.requests.wallMs > decayPerSec * 60) {
    lines.push(
      'note: the replay asked more of the API counter than it regains: calls waited for it, as a live account trading this often would; a lower --speed rehearses a pace the account can keep',
    );
  }
  const reasons = Object.entries(result.refusals).sort(([a], [b]) => a.localeCompare(b));
  const refused = reasons.reduce((n, [, count]) => n + count, 0);
  const byReason =
    reasons.length === 0 ? '' : ` (${reasons.map(([reason, count]) => `${reason}: ${count}`).join(', ')})`;
  lines.push(
    `rehearse: ${result.orders} orders, ${refused} refused by the exchange${byReason}, ${result.rateLimitErrors} rate-limit errors, ${result.unprotectedMinutes} position-minutes without a stop, audit ${result.audit.violations} violations`,
  );

  const failures: string[] = [];
  if (!result.preflight.passed) failures.push('the preflight (live check) failed');
  if (result.orders === 0) failures.push('no order was placed: nothing was rehearsed');
  const ruleRefusals = reasons.filter(([reason]) => isRuleRefusal(reason)).reduce((n, [, count]) => n + count, 0);
  if (ruleRefusals > 0) failures.push(`${ruleRefusals} requests refused by Kraken's rules`);
  if (result.rateLimitErrors > 0) failures.push(`${result.rateLimitErrors} rate-limit errors`);
  if (new Decimal(result.unprotectedMinutes).gt(0))
    failures.push(`${result.unprotectedMinutes} position-minutes without a stop`);
  if (result.unplannedExits.length > 0) failures.push(`${result.unplannedExits.length} unplanned exits`);
  if (result.audit.violations > 0) failures.push(`${result.audit.violations} audit violations`);
  return { lines, failures };
}
