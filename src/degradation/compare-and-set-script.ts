import { LuaScript } from '../redis/lua-script.ts';

/**
 * Writes a new value only if the key still holds the value it was computed from, so a
 * read–compute–write by one replica never overwrites another's write in between.
 *
 * KEYS[1] the key; ARGV[1] the value read ('' when the key was missing), ARGV[2] the new value.
 * Returns 1 when written, 0 when the key holds something else now (read again and retry).
 * Effects: SET KEYS[1] ARGV[2] on success, nothing otherwise.
 */
export const compareAndSetScript = new LuaScript(
  'compare-and-set',
  `
local current = redis.call('GET', KEYS[1])
if current == false then current = '' end
if current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1
`,
);
