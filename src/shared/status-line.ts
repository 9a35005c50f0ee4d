/** The status line (a progress bar) each terminal stream shows below its output, if any. */
const shown = new Map<NodeJS.WritableStream, string>();

/** Erases the current line of a terminal and returns the cursor to its start. */
const ERASE_LINE = '\r\x1b[2K';

/**
 * Shows `text` as `stream`'s status line: redrawn in place, under whatever `writeAbove` prints
 * meanwhile. For terminals only; the caller decides (`stream.isTTY`).
 */
export function showStatusLine(stream: NodeJS.WritableStream, text: string): void {
  shown.set(stream, text);
  stream.write(`${ERASE_LINE}${text}`);
}

/** Leaves the status line where it is, as an ordinary line, and stops redrawing it. */
export function endStatusLine(stream: NodeJS.WritableStream): void {
  if (shown.delete(stream)) stream.write('\n');
}

/**
 * Writes `text` (whole lines) to `stream`; when it shows a status line, above it: the status
 * line is erased, the text written, and the status line drawn again beneath, so a log line
 * never lands in the middle of a progress bar.
 */
export function writeAbove(stream: NodeJS.WritableStream, text: string): void {
  const status = shown.get(stream);
  stream.write(status === undefined ? text : `${ERASE_LINE}${text}${text.endsWith('\n') ? '' : '\n'}${status}`);
}
