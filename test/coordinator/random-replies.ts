/**
 * Seeded generators of hostile resolver replies for the fuzz tests: random JSON of any shape,
 * replies with the right keys and wrong types, huge and negative numbers, NaN-like strings,
 * missing and extra fields, nested garbage, and broken JSON text. No dependency: the same seed
 * gives the same sequence on every machine.
 */

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export type Random = () => number;

export const pick = <T>(rng: Random, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
const chance = (rng: Random, p: number) => rng() < p;
const int = (rng: Random, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));

const EXTREME_NUMBERS = [
  1e308,
  -1e308,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  Number.MIN_VALUE,
  -Number.MIN_VALUE,
  0,
  -0,
  1e-300,
  1e21,
  -1e21,
  101,
  -1,
  100.0000001,
  -0.0000001,
];
const NAN_LIKE = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e308',
  '1e999',
  '',
  ' ',
  '0x10',
  '12,5',
  '50',
  '-50',
  '.5',
  '5.',
  'null',
  'undefined',
  '68600.5',
  '-68600.5',
  '00068600',
  '68600.50000000000000000001',
  '1e5',
  '∞',
  '５０',
];
const ACTIONS = ['proceed', 'wait', 'modify', 'abort'];
const WRONG_ACTIONS = [
  'PROCEED',
  'Modify',
  'hold',
  'buy',
  'close',
  '',
  ' proceed',
  'proceed\n',
  'abort; drop table',
  'modify'.repeat(50),
  'wait ',
  'proceed|abort',
];
const KEYS = [
  'action',
  'sizeCutPct',
  'leverage',
  'entryPrice',
  'reasoning',
  'confidence',
  'size',
  'constructor',
  'toString',
  'valueOf',
  'then',
  '',
  '💥',
  'a'.repeat(300),
];

function randomString(rng: Random): string {
  const alphabet = 'abcXYZ019 .,-_{}[]":\\\n\t\u0000\u202eé漢😀';
  const length = chance(rng, 0.05) ? int(rng, 1_000, 5_000) : int(rng, 0, 40);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(rng() * alphabet.length)];
  return out;
}

function randomNumber(rng: Random): number {
  switch (int(rng, 0, 3)) {
    case 0:
      return pick(rng, EXTREME_NUMBERS);
    case 1:
      return (rng() - 0.5) * 10 ** int(rng, 0, 308);
    case 2:
      return rng() * 200 - 50;
    default:
      return int(rng, -10, 10);
  }
}

/** Any JSON value, nested up to a few levels. */
export function randomJson(rng: Random, depth = 0): unknown {
  const kinds = depth >= 4 ? 4 : 6;
  switch (int(rng, 0, kinds - 1)) {
    case 0:
      return null;
    case 1:
      return chance(rng, 0.5);
    case 2:
      return randomNumber(rng);
    case 3:
      return chance(rng, 0.5) ? pick(rng, NAN_LIKE) : randomString(rng);
    case 4:
      return Array.from({ length: int(rng, 0, 4) }, () => randomJson(rng, depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let i = int(rng, 0, 4); i > 0; i--) object[pick(rng, KEYS)] = randomJson(rng, depth + 1);
      return object;
    }
  }
}

/** A value for a numeric field: missing, null, plausible, extreme, a string, or anything. */
function numericField(rng: Random, plausible: () => number): unknown {
  const r = rng();
  if (r < 0.25) return undefined;
  if (r < 0.35) return null;
  if (r < 0.7) return plausible();
  if (r < 0.85) return pick(rng, EXTREME_NUMBERS);
  if (r < 0.93) return pick(rng, NAN_LIKE);
  return randomJson(rng, 1);
}

/** A decimal string `price × factor` with 0–12 decimals. */
function priceNear(rng: Random, marketPrice: number, spread: number): string {
  return Math.max(0, marketPrice * (1 + (rng() * 2 - 1) * spread)).toFixed(int(rng, 0, 12));
}

/** A reply as a value: usually reply-shaped with hostile fields, sometimes anything at all. */
export function randomReplyValue(rng: Random, marketPrice: number): unknown {
  if (chance(rng, 0.1)) return randomJson(rng);
  const reply: Record<string, unknown> = {};
  const a = rng();
  if (a < 0.75) reply.action = pick(rng, ACTIONS);
  else if (a < 0.9) reply.action = pick(rng, WRONG_ACTIONS);
  else if (a < 0.95) reply.action = randomJson(rng, 1);
  reply.sizeCutPct = numericField(rng, () => rng() * 200 - 50);
  reply.leverage = numericField(rng, () => rng() * 12 - 2);
  const e = rng();
  if (e < 0.3) reply.entryPrice = undefined;
  else if (e < 0.4) reply.entryPrice = null;
  else if (e < 0.6) reply.entryPrice = priceNear(rng, marketPrice, 0.05);
  else if (e < 0.7) reply.entryPrice = Number(priceNear(rng, marketPrice, 0.5));
  else if (e < 0.8) reply.entryPrice = pick(rng, EXTREME_NUMBERS);
  else if (e < 0.9) reply.entryPrice = pick(rng, NAN_LIKE);
  else reply.entryPrice = randomJson(rng, 1);
  const w = rng();
  if (w < 0.6) reply.reasoning = randomString(rng);
  else if (w < 0.85) reply.reasoning = randomJson(rng, 1);
  if (chance(rng, 0.3)) {
    for (let i = int(rng, 1, 3); i > 0; i--)
      reply[pick(rng, ['nested', 'extra', 'confidence', 'meta', 'constructor'])] = randomJson(rng, 0);
  }
  for (const key of Object.keys(reply)) if (reply[key] === undefined) delete reply[key];
  return reply;
}

/** A reply as a model would send it: usually the JSON of `randomReplyValue`, often damaged. */
export function randomReplyText(rng: Random, marketPrice: number): string {
  const json = JSON.stringify(randomReplyValue(rng, marketPrice)) ?? 'undefined';
  if (chance(rng, 0.6)) return json;
  switch (int(rng, 0, 6)) {
    case 0:
      // JSON.parse reads 1e999 as Infinity; NaN is not JSON at all.
      return json.replace(
        /-?\d+(\.\d+)?(e[+-]?\d+)?/,
        pick(rng, ['1e999', '-1e999', 'NaN', 'Infinity', '-0', '1e-999', '123456789012345678901234567890']),
      );
    case 1:
      return `${pick(rng, ['Sure! ', '```json\n', 'Here you go:\n'])}${json}${pick(rng, ['', '\n```', ' Hope this helps.'])}`;
    case 2:
      return json.slice(0, int(rng, 0, json.length));
    case 3:
      return json.startsWith('{') ? `{"__proto__": {"action": "proceed", "sizeCutPct": -1}, ${json.slice(1)}` : json;
    case 4:
      return json.endsWith('}')
        ? `${json.slice(0, -1)}${json.length > 2 ? ',' : ''} "action": "${pick(rng, [...ACTIONS, ...WRONG_ACTIONS])}"}`
        : json;
    case 5:
      return randomString(rng);
    default:
      return `${json}${json}`;
  }
}
