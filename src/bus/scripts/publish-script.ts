import { encodedFieldNames } from '../envelope.ts';
import { LuaScript } from '../../redis/lua-script.ts';

const fieldCount = encodedFieldNames.length;
// The XADD arguments: every name followed by a slot its value is written into.
const names = encodedFieldNames.map((n) => `'${n}', ''`).join(', ');
// Positions (1-based) of the values the index needs among a message's values.
const sourceAt = encodedFieldNames.indexOf('source') + 1;
const symbolAt = encodedFieldNames.indexOf('symbol') + 1;
const priorityAt = encodedFieldNames.indexOf('priority') + 1;

/**
 * Appends a batch of messages to their topic lanes and records, for each, where it is as the
 * latest for its symbol/source.
 *
 * KEYS: every lane stream and latest-index hash the batch touches (each once)
 * ARGV[1] number of messages; then per message: lane key index, index key index (1-based
 * into KEYS), then the values of the envelope fields in `encodedFieldNames` order (the script
 * writes them under those names).
 * Returns the entry ids in order. Effects per message: XADD; and for the index fields
 * `<symbol>|<source>` and `<symbol>|*` of each message, HSET to `<tag> <entry id>` (tag `u`
 * when the priority is `urgent`, else `m`), so the index never points at an entry the stream
 * never had. The script runs atomically, so only the last message of the batch for a field is
 * written to the index: nobody can see the state between two messages of one batch.
 */
export const publishScript = new LuaScript(
  'publish',
  `
local fields = { ${names} }
local ids = {}
local latest = {}
local indexes = {}
local i = 2
for m = 1, tonumber(ARGV[1]) do
  local lane = KEYS[tonumber(ARGV[i])]
  local index = KEYS[tonumber(ARGV[i + 1])]
  local v = i + 1
  for f = 1, ${fieldCount} do fields[2 * f] = ARGV[v + f] end
  local id = redis.call('XADD', lane, '*', unpack(fields))
  local tag = 'm'
  if ARGV[v + ${priorityAt}] == 'urgent' then tag = 'u' end
  local where = tag .. ' ' .. id
  local symbol = ARGV[v + ${symbolAt}]
  local entries = latest[index]
  if not entries then
    entries = {}
    latest[index] = entries
    indexes[#indexes + 1] = index
  end
  entries[symbol .. '|' .. ARGV[v + ${sourceAt}]] = where
  entries[symbol .. '|*'] = where
  ids[m] = id
  i = i + 2 + ${fieldCount}
end
for _, index in ipairs(indexes) do
  local args = {}
  for field, where in pairs(latest[index]) do
    args[#args + 1] = field
    args[#args + 1] = where
  end
  redis.call('HSET', index, unpack(args))
end
return ids
`,
);
