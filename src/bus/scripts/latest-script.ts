import { LuaScript } from '../../redis/lua-script.ts';

/**
 * Reads the latest message of a symbol/source in one round trip.
 *
 * KEYS[1] latest-index hash, KEYS[2] urgent lane, KEYS[3] main lane; ARGV[1] index field
 * Returns { stream entry id, fields } or nil when nothing was published for that field or the
 * entry has since been trimmed away. No effects.
 */
export const latestScript = new LuaScript(
  'latest',
  `
local where = redis.call('HGET', KEYS[1], ARGV[1])
if not where then return nil end
local tag, id = string.match(where, '^(%a) (.+)$')
local lane = KEYS[3]
if tag == 'u' then lane = KEYS[2] end
local entry = redis.call('XRANGE', lane, id, id)
if #entry == 0 then return nil end
return entry[1]
`,
);
