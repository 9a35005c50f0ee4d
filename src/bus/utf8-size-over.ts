/**
 * The UTF-8 size in bytes of `strings` plus `fixedBytes`, when it exceeds `limitBytes`;
 * undefined when it does not.
 *
 * Counts UTF-16 units first: a string never takes more than three bytes per unit, so a total
 * far enough below the limit is known to fit without encoding anything (the usual case, on
 * every publish and every delivery). Only a total near or past the limit is measured.
 */
export function utf8SizeOver(strings: readonly string[], limitBytes: number, fixedBytes = 0): number | undefined {
  let units = 0;
  for (const s of strings) units += s.length;
  if (fixedBytes + 3 * units <= limitBytes) return undefined;
  let bytes = fixedBytes;
  for (const s of strings) bytes += Buffer.byteLength(s, 'utf8');
  return bytes > limitBytes ? bytes : undefined;
}
