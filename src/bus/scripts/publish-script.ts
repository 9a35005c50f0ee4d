import { LuaScript } from './lua-script.ts';

/**
 * Appends a batch of messages to their topic lanes and records, for each, where it is as the
 * latest for its symbol/source.
 *
 * KEYS: every lane stream and latest-index hash the batch touches (each once)
 * ARGV[1] number of messages; then per message: lane key index, index key index (1-based
 * into KEYS), index field `<symbol>|<source>`, index field `<symbol>|*`, lane tag (`u`
 * urgent, `m` main), field count F, then F stream fields `name value …`
 * Returns the entry ids in order. Effects per message: XADD, then HSET of both index fields to
 * `<tag> <entry id>`, so the index never points at an entry the stream never had.
 */
export const publishScript = new LuaScript(
  'publish',
  `
local ids = {}
local i = 2
for m = 1, tonumber(ARGV[1]) do
  local lane = KEYS[tonumber(ARGV[i])]
  local index = KEYS[tonumber(ARGV[i + 1])]
  local fieldCount = tonumber(ARGV[i + 5])
  local id = redis.call('XADD', lane, '*', unpack(ARGV, i + 6, i + 5 + fieldCount))
  local where = ARGV[i + 4] .. ' ' .. id
  redis.call('HSET', index, ARGV[i + 2], where, ARGV[i + 3], where)
  ids[m] = id
  i = i + 6 + fieldCount
end
return ids
`,
);
