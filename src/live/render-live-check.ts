import type { LiveCheckLine } from './live-check-line.ts';

/**
 * The live check as text: one line per check (`OK`, or `WARN`/`FAIL` with what to fix), then
 * `live check: N OK, W WARN, F FAIL` and whether it is ready to go live.
 */
export function renderLiveCheck(lines: readonly LiveCheckLine[]): string {
  const out = lines.map(
    (line) => `${line.status.padEnd(4)} ${line.check}: ${line.text}${line.fix ? ` — fix: ${line.fix}` : ''}`,
  );
  const count = (status: LiveCheckLine['status']) => lines.filter((line) => line.status === status).length;
  const failed = count('FAIL');
  out.push(
    `live check: ${count('OK')} OK, ${count('WARN')} WARN, ${failed} FAIL: ${failed > 0 ? 'not ready to go live, fix the FAIL lines' : 'ready to go live'} (no order was placed)`,
  );
  return `${out.join('\n')}\n`;
}
