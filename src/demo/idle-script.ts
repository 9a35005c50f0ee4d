import { LuaScript } from '../redis/lua-script.ts';

/** The keys of one BullMQ queue the idle check reads, in this order. */
export const QUEUE_KEYS = ['meta', 'wait', 'paused', 'active', 'prioritized', 'delayed', 'waiting-children'] as const;

/**
 * What is still busy among some queues and consumer groups, read in one atomic step: a job
 * handed from one stage to the next is seen in one or the other, never in neither, as
 * separate reads could.
 *
 * KEYS: per queue the seven keys of `QUEUE_KEYS`; then per group its main and urgent lane.
 * ARGV[1] number of queues; per queue its name and 1 when it is market-timed (its delayed jobs
 *   and parents waiting for children wait for the caller to move the market on), else 0; then
 *   per group its topic and name.
 * Returns one line per busy part (empty: idle). A queue counts its waiting, prioritized and
 * active jobs, its delayed and waiting-for-children ones unless market-timed, and only its
 * active ones when paused (the kill switch: it starts nothing). A group counts what it holds
 * pending and any entry after its last-delivered id on either lane; a lane without the group
 * yet counts if it has entries. Effects: none.
 */
export const idleScript = new LuaScript(
  'replay-idle',
  `
local busy = {}
local queues = tonumber(ARGV[1])

local function waiting(key)
  local n = redis.call('LLEN', key)
  -- A marker left by an older BullMQ ("0:…") is no job.
  if n == 1 and string.sub(redis.call('LINDEX', key, -1), 1, 2) == '0:' then return 0 end
  return n
end

for q = 1, queues do
  local k = (q - 1) * 7
  local name, marketTimed = ARGV[2 * q], ARGV[2 * q + 1] == '1'
  local counts = { active = redis.call('LLEN', KEYS[k + 4]) }
  if redis.call('HEXISTS', KEYS[k + 1], 'paused') == 0 then
    counts.wait = waiting(KEYS[k + 2])
    counts.paused = waiting(KEYS[k + 3])
    counts.prioritized = redis.call('ZCARD', KEYS[k + 5])
    if not marketTimed then
      counts.delayed = redis.call('ZCARD', KEYS[k + 6])
      counts['waiting-children'] = redis.call('ZCARD', KEYS[k + 7])
    end
  end
  local parts = {}
  for _, state in ipairs({ 'wait', 'paused', 'active', 'prioritized', 'delayed', 'waiting-children' }) do
    if (counts[state] or 0) > 0 then parts[#parts + 1] = state .. ' ' .. counts[state] end
  end
  if #parts > 0 then busy[#busy + 1] = 'queue ' .. name .. ': ' .. table.concat(parts, ', ') end
end

local function laneBusy(stream, group)
  if redis.call('EXISTS', stream) == 0 then return nil end
  for _, info in ipairs(redis.call('XINFO', 'GROUPS', stream)) do
    local fields = {}
    for i = 1, #info, 2 do fields[info[i]] = info[i + 1] end
    if fields['name'] == group then
      if fields['pending'] > 0 then return 'pending ' .. fields['pending'] end
      if #redis.call('XRANGE', stream, '(' .. fields['last-delivered-id'], '+', 'COUNT', 1) > 0 then
        return 'entries not delivered'
      end
      return nil
    end
  end
  if redis.call('XLEN', stream) > 0 then return 'not created' end
  return nil
end

local g = 0
for a = 2 + 2 * queues, #ARGV, 2 do
  local topic, group = ARGV[a], ARGV[a + 1]
  for lane = 1, 2 do
    local why = laneBusy(KEYS[queues * 7 + 2 * g + lane], group)
    if why then busy[#busy + 1] = 'group ' .. topic .. '/' .. group .. ': ' .. why end
  end
  g = g + 1
end
return busy
`,
);
