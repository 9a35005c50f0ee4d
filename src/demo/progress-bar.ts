import { endStatusLine, showStatusLine } from '../shared/status-line.ts';

/**
 * A one-line progress bar on a TTY (a status line redrawn in place, with log lines printed
 * above it: `writeAbove`), or a line every 10 % elsewhere (CI logs).
 */
export function createProgressBar(
  stream: NodeJS.WriteStream,
  total: number,
  width = 30,
): { update(done: number, label: string): void; finish(): void } {
  let lastDecile = -1;
  return {
    update(done, label) {
      const ratio = total === 0 ? 1 : done / total;
      const filled = Math.round(ratio * width);
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}%  ${label}`;
      if (stream.isTTY) {
        showStatusLine(stream, line);
      } else if (Math.floor(ratio * 10) > lastDecile) {
        lastDecile = Math.floor(ratio * 10);
        stream.write(`${line}\n`);
      }
    },
    finish() {
      if (stream.isTTY) endStatusLine(stream);
    },
  };
}
