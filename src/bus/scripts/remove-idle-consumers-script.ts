import { LuaScript } from '../../redis/lua-script.ts';

/**
 * An id after any a stream can hold (but not the largest, which XREADGROUP treats specially):
 * reading a consumer's history from it returns nothing and touches no pending entry.
 */
export const PAST_ANY_ENTRY_ID = '18446744073709551615-0';

/**
 * Removes the consumers of a group that are gone, then marks the caller as present.
 *
 * KEYS[1] lane stream
 * ARGV[1] group, ARGV[2] the calling consumer, ARGV[3] idle time in ms past which a consumer
 * holding nothing is removed
 * Returns the names removed.
 * Effects: XGROUP DELCONSUMER for every consumer other than the caller whose `pending` is 0
 * and whose `idle` exceeds ARGV[3] (checked and deleted in one script, so no entry can be
 * delivered to it in between: DELCONSUMER would drop such an entry from the pending list).
 * Then XREADGROUP of the caller's own history from past any entry: it returns nothing, but
 * creates the caller if missing and resets its idle time. A blocking XREADGROUP on a quiet
 * stream does neither before Redis 7.2, so without this a live consumer of a topic that
 * carries no messages would never be listed, and would look idle to its peers.
 */
export const removeIdleConsumersScript = new LuaScript(
  'remove-idle-consumers',
  `
local group = ARGV[1]
local caller = ARGV[2]
local idleMs = tonumber(ARGV[3])
local removed = {}
for _, consumer in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], group)) do
  local name, pending, idle
  for i = 1, #consumer, 2 do
    local field = consumer[i]
    if field == 'name' then name = consumer[i + 1]
    elseif field == 'pending' then pending = consumer[i + 1]
    elseif field == 'idle' then idle = consumer[i + 1] end
  end
  if name ~= caller and pending == 0 and idle > idleMs then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], group, name)
    removed[#removed + 1] = name
  end
end
redis.call('XREADGROUP', 'GROUP', group, caller, 'COUNT', 1, 'STREAMS', KEYS[1], '${PAST_ANY_ENTRY_ID}')
return removed
`,
);
