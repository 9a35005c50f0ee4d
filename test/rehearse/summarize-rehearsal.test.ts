import { describe, expect, it } from 'vitest';
import { summarizeRehearsal, type RehearsalResult } from '../../src/rehearse/rehearsal-summary.ts';

const clean: RehearsalResult = {
  seed: 7,
  preflight: { passed: true, lines: ['OK key permissions'] },
  orders: 12,
  refusals: {},
  refusedRequests: [],
  rateLimitErrors: 0,
  requests: { byMethod: { OpenOrders: 20, AddOrder: 10 }, wallMs: 60_000 },
  apiCounter: { units: 19, peak: 11.5, max: 15, decayPerSec: 0.33 },
  unprotectedMinutes: '0',
  unprotectedGaps: [],
  faults: [{ kind: 'nonce_error', detail: 'AddOrder', landed: true }],
  unplannedExits: [],
  audit: { violations: 0, invariantsChecked: 10 },
};

describe('summarizeRehearsal', () => {
  it('passes a clean run and prints the rehearse line last', () => {
    const summary = summarizeRehearsal(clean);
    expect(summary.failures).toEqual([]);
    expect(summary.lines.at(-1)).toBe(
      'rehearse: 12 orders, 0 refused by the exchange, 0 rate-limit errors, 0 position-minutes without a stop, audit 0 violations',
    );
    expect(summary.lines).toContain('nonce_error: 1× (1 landed) · AddOrder');
    expect(summary.lines).toContain('server_error: not run');
    expect(summary.lines).toContain('private requests: 30 (30.0 a minute): OpenOrders 20, AddOrder 10');
    expect(summary.lines).toContain('API counter: 19 units (19.0 a minute, it decays 20), highest 11.5 of 15');
    expect(summary.lines.some((line) => line.startsWith('note:'))).toBe(false);
  });

  it('notes a replay that asked more of the API counter than it regains, without failing on it', () => {
    const summary = summarizeRehearsal({ ...clean, apiCounter: { ...clean.apiCounter, units: 25 } });
    expect(summary.lines).toContain('API counter: 25 units (25.0 a minute, it decays 20), highest 11.5 of 15');
    expect(summary.lines.find((line) => line.startsWith('note:'))).toMatch(/lower --speed/);
    expect(summary.failures).toEqual([]);
  });

  it("fails on a refusal by Kraken's rules and lists refusals by reason", () => {
    const refused =
      '22:48:42 AddOrder pair=XXBTZUSD type=sell ordertype=stop-loss volume=0.01 price=50000.0: EOrder:Insufficient funds';
    const summary = summarizeRehearsal({
      ...clean,
      refusals: { 'EOrder:Insufficient funds': 2, 'EOrder:Unknown order': 1 },
      refusedRequests: [refused],
    });
    expect(summary.lines).toContain(`refused: ${refused}`);
    expect(summary.lines.at(-1)).toContain(
      '3 refused by the exchange (EOrder:Insufficient funds: 2, EOrder:Unknown order: 1)',
    );
    expect(summary.failures).toEqual(["2 requests refused by Kraken's rules"]);
  });

  it('names each gap behind the unprotected minutes', () => {
    const gap = 'XBTUSD from 20:25:14 for 39.2 s (19.2 s past the grace, outages left out)';
    const summary = summarizeRehearsal({ ...clean, unprotectedMinutes: '0.33', unprotectedGaps: [gap] });
    expect(summary.lines).toContain(`without a stop: ${gap}`);
    expect(summary.failures).toEqual(['0.33 position-minutes without a stop']);
  });

  it('reports a refusal that breaks no rule without failing on it', () => {
    expect(summarizeRehearsal({ ...clean, refusals: { 'EOrder:Unknown order': 1 } }).failures).toEqual([]);
  });

  it.each([
    [{ rateLimitErrors: 1 }, '1 rate-limit errors'],
    [{ unprotectedMinutes: '0.4' }, '0.4 position-minutes without a stop'],
    [{ audit: { violations: 2, invariantsChecked: 10 } }, '2 audit violations'],
    [{ unplannedExits: ['worker-1 exited with code 1'] }, '1 unplanned exits'],
    [{ orders: 0 }, 'no order was placed: nothing was rehearsed'],
    [{ preflight: { passed: false, lines: ['FAIL clock skew 9 s'] } }, 'the preflight (live check) failed'],
  ] as const)('fails on %o', (change, failure) => {
    expect(summarizeRehearsal({ ...clean, ...change }).failures).toEqual([failure]);
  });
});
