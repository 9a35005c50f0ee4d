/**
 * Compares two plain decimal strings (`-?\d+(\.\d+)?`, as `DecimalString` allows) exactly,
 * without floats and without allocating: -1, 0 or 1. Hot path of the CSV parser (three
 * comparisons per bar, 65 000 bars per file).
 */
export function compareDecimalStrings(a: string, b: string): -1 | 0 | 1 {
  const aSign = signOf(a);
  const bSign = signOf(b);
  if (aSign !== bSign) return aSign < bSign ? -1 : 1;
  if (aSign === 0) return 0;
  const byMagnitude = compareMagnitudes(a, aSign < 0 ? 1 : 0, b, bSign < 0 ? 1 : 0);
  return aSign < 0 ? negate(byMagnitude) : byMagnitude;
}

const CODE_0 = 48;
const CODE_DOT = 46;

function negate(order: -1 | 0 | 1): -1 | 0 | 1 {
  return order === 0 ? 0 : order === 1 ? -1 : 1;
}

/** -1, 0 or 1; `-0.00` is 0. */
function signOf(s: string): -1 | 0 | 1 {
  const negative = s.charCodeAt(0) === 45;
  for (let i = negative ? 1 : 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== CODE_0 && c !== CODE_DOT) return negative ? -1 : 1;
  }
  return 0;
}

function compareMagnitudes(a: string, aStart: number, b: string, bStart: number): -1 | 0 | 1 {
  // Skip leading zeros of the integer part, then compare integer digit counts.
  while (aStart < a.length - 1 && a.charCodeAt(aStart) === CODE_0 && a.charCodeAt(aStart + 1) !== CODE_DOT) aStart++;
  while (bStart < b.length - 1 && b.charCodeAt(bStart) === CODE_0 && b.charCodeAt(bStart + 1) !== CODE_DOT) bStart++;
  const aDot = dotIndex(a, aStart);
  const bDot = dotIndex(b, bStart);
  const aIntDigits = aDot - aStart;
  const bIntDigits = bDot - bStart;
  if (aIntDigits !== bIntDigits) return aIntDigits < bIntDigits ? -1 : 1;
  for (let i = 0; i < aIntDigits; i++) {
    const d = a.charCodeAt(aStart + i) - b.charCodeAt(bStart + i);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  // Fractions, the shorter one padded with zeros.
  const aFrac = a.length - aDot - 1;
  const bFrac = b.length - bDot - 1;
  const width = Math.max(aFrac, bFrac);
  for (let i = 0; i < width; i++) {
    const ad = i < aFrac ? a.charCodeAt(aDot + 1 + i) : CODE_0;
    const bd = i < bFrac ? b.charCodeAt(bDot + 1 + i) : CODE_0;
    if (ad !== bd) return ad < bd ? -1 : 1;
  }
  return 0;
}

/** Index of the decimal point, or the string's length when there is none. */
function dotIndex(s: string, from: number): number {
  const i = s.indexOf('.', from);
  return i < 0 ? s.length : i;
}
