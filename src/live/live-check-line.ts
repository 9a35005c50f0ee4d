/** How one check of the live check came out: `FAIL` stops going live, `WARN` is worth a look. */
export type LiveCheckStatus = 'OK' | 'WARN' | 'FAIL';

/** One line of the live check: what was checked, what was found, and what to do when it is not OK. */
export interface LiveCheckLine {
  /** What was checked, e.g. `permissions`, `pair BTC/USD`. */
  check: string;
  status: LiveCheckStatus;
  /** What was found. Never a secret. */
  text: string;
  /** What to do about it; absent when OK. */
  fix?: string;
}

export const ok = (check: string, text: string): LiveCheckLine => ({ check, status: 'OK', text });
export const warn = (check: string, text: string, fix: string): LiveCheckLine => ({ check, status: 'WARN', text, fix });
export const fail = (check: string, text: string, fix: string): LiveCheckLine => ({ check, status: 'FAIL', text, fix });
